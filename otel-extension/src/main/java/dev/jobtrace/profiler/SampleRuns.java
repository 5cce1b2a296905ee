package dev.jobtrace.profiler;

import dev.jobtrace.contract.ProfileTimelineFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;

/**
 * The order of a span's samples, kept as runs: on one thread, one stack sampled again and again,
 * each sample at most two intervals after the one before. At most {@code maxRuns} runs are kept;
 * when that is reached, each thread's runs are merged pairwise, so the span's whole time stays in
 * order at half the detail. Touched by the profile collector thread only.
 */
public final class SampleRuns {

  private final long intervalNanos;
  private final int maxRuns;
  private long[] thread = new long[8];
  private long[] first = new long[8];
  private long[] last = new long[8];
  private int[] stack = new int[8];
  private int[] samples = new int[8];
  private int size;
  private int coarsened;

  /** Per thread: its last run, and its name. */
  private final Map<Long, Integer> lastRun = new HashMap<>(4);

  private final Map<Long, String> names = new LinkedHashMap<>(4);

  public SampleRuns(long intervalNanos, int maxRuns) {
    this.intervalNanos = intervalNanos;
    this.maxRuns = Math.max(2, maxRuns);
  }

  /**
   * A sample of {@code stackId} on {@code threadId} at {@code nanos} (monotonic clock); the
   * thread's name is asked of {@code name} once per thread.
   */
  public <T> void add(long threadId, T owner, Function<T, String> name, long nanos, int stackId) {
    Integer at = lastRun.get(threadId);
    if (at != null) {
      int i = at;
      if (stack[i] == stackId && nanos >= last[i] && nanos - last[i] <= 2 * intervalNanos) {
        last[i] = nanos;
        samples[i]++;
        return;
      }
    } else {
      String n = name.apply(owner);
      names.put(threadId, n == null ? "" : n);
    }
    if (size == maxRuns) {
      coarsen();
    }
    if (size == thread.length) {
      int n = Math.min(maxRuns, size * 2);
      thread = Arrays.copyOf(thread, n);
      first = Arrays.copyOf(first, n);
      last = Arrays.copyOf(last, n);
      stack = Arrays.copyOf(stack, n);
      samples = Arrays.copyOf(samples, n);
    }
    thread[size] = threadId;
    first[size] = nanos;
    last[size] = nanos;
    stack[size] = stackId;
    samples[size] = 1;
    lastRun.put(threadId, size);
    size++;
  }

  public int size() {
    return size;
  }

  /** How many times the runs were merged pairwise to stay within the cap. */
  public int coarsened() {
    return coarsened;
  }

  /** Merges each thread's runs pairwise, in order: the first of a pair takes in the second. */
  private void coarsen() {
    coarsened++;
    Map<Long, Integer> open = new HashMap<>();
    int out = 0;
    for (int i = 0; i < size; i++) {
      Integer pending = open.remove(thread[i]);
      if (pending != null) {
        int p = pending;
        if (samples[i] > samples[p]) {
          stack[p] = stack[i];
        }
        first[p] = Math.min(first[p], first[i]);
        last[p] = Math.max(last[p], last[i]);
        samples[p] += samples[i];
        continue;
      }
      thread[out] = thread[i];
      first[out] = first[i];
      last[out] = last[i];
      stack[out] = stack[i];
      samples[out] = samples[i];
      open.put(thread[out], out);
      out++;
    }
    size = out;
    lastRun.clear();
    for (int i = 0; i < size; i++) {
      lastRun.put(thread[i], i);
    }
  }

  /**
   * The timeline of a span that started at {@code startNanos}, its stacks renumbered by {@code
   * line} (a stack id to its line of the snippet), within {@code maxBytes} encoded: runs are merged
   * pairwise until it fits; when even one run per thread does not, the earliest runs that fit are
   * kept and the timeline says it is cut short. Null when there are no runs.
   */
  public String encode(long startNanos, IntUnaryOperator line, int maxBytes) {
    if (size == 0) {
      return null;
    }
    long intervalMicros = Math.max(1, intervalNanos / 1_000);
    List<long[]> runs = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      runs.add(new long[] {thread[i], first[i], last[i], line.applyAsInt(stack[i]), samples[i]});
    }
    while (true) {
      String encoded = encode(runs, startNanos, intervalMicros, false);
      if (encoded.length() <= maxBytes) {
        return encoded;
      }
      int before = runs.size();
      runs = mergePairs(runs);
      if (runs.size() == before) {
        break;
      }
    }
    // One run per thread is still too large: as many threads as fit.
    while (runs.size() > 1) {
      runs = runs.subList(0, runs.size() / 2);
      String encoded = encode(runs, startNanos, intervalMicros, true);
      if (encoded.length() <= maxBytes) {
        return encoded;
      }
    }
    return null;
  }

  private static List<long[]> mergePairs(List<long[]> runs) {
    Map<Long, long[]> open = new HashMap<>();
    List<long[]> out = new ArrayList<>();
    for (long[] r : runs) {
      long[] p = open.remove(r[0]);
      if (p != null) {
        if (r[4] > p[4]) {
          p[3] = r[3];
        }
        p[1] = Math.min(p[1], r[1]);
        p[2] = Math.max(p[2], r[2]);
        p[4] += r[4];
        continue;
      }
      long[] copy = r.clone();
      out.add(copy);
      open.put(copy[0], copy);
    }
    return out;
  }

  private String encode(List<long[]> runs, long startNanos, long intervalMicros, boolean cut) {
    Map<Long, List<ProfileTimelineFormat.Run>> byThread = new LinkedHashMap<>();
    for (long[] r : runs) {
      long start = Math.max(0, r[1] - startNanos) / 1_000;
      long duration = (r[2] - r[1]) / 1_000 + intervalMicros;
      byThread
          .computeIfAbsent(r[0], t -> new ArrayList<>())
          .add(new ProfileTimelineFormat.Run(start, duration, (int) r[3], r[4]));
    }
    List<ProfileTimelineFormat.ThreadRuns> threads = new ArrayList<>();
    byThread.forEach(
        (id, list) -> {
          list.sort((a, b) -> Long.compare(a.startMicros(), b.startMicros()));
          threads.add(new ProfileTimelineFormat.ThreadRuns(id, names.getOrDefault(id, ""), list));
        });
    return ProfileTimelineFormat.encode(
        new ProfileTimelineFormat.Timeline(intervalMicros, cut, threads));
  }
}
