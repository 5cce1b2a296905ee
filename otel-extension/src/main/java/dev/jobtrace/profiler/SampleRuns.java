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
    // Coarsened on a copy: the span's own runs stay as they are.
    SampleRuns runs = new SampleRuns(this);
    while (true) {
      String encoded = runs.encode(runs.size, startNanos, line, intervalMicros, false);
      if (encoded.length() <= maxBytes) {
        return encoded;
      }
      int before = runs.size;
      runs.coarsen();
      if (runs.size == before) {
        break;
      }
    }
    // One run per thread is still too large: the earliest runs that fit.
    for (int keep = runs.size / 2; keep >= 1; keep /= 2) {
      String encoded = runs.encode(keep, startNanos, line, intervalMicros, true);
      if (encoded.length() <= maxBytes) {
        return encoded;
      }
    }
    return null;
  }

  /** A copy of {@code from}'s runs, to coarsen without touching them. */
  private SampleRuns(SampleRuns from) {
    this(from.intervalNanos, from.maxRuns);
    thread = Arrays.copyOf(from.thread, from.size);
    first = Arrays.copyOf(from.first, from.size);
    last = Arrays.copyOf(from.last, from.size);
    stack = Arrays.copyOf(from.stack, from.size);
    samples = Arrays.copyOf(from.samples, from.size);
    size = from.size;
    names.putAll(from.names);
  }

  /** The first {@code count} runs, by thread in time order, their stacks as snippet lines. */
  private String encode(
      int count, long startNanos, IntUnaryOperator line, long intervalMicros, boolean cut) {
    Map<Long, List<ProfileTimelineFormat.Run>> byThread = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      long start = Math.max(0, first[i] - startNanos) / 1_000;
      long duration = (last[i] - first[i]) / 1_000 + intervalMicros;
      byThread
          .computeIfAbsent(thread[i], t -> new ArrayList<>())
          .add(
              new ProfileTimelineFormat.Run(
                  start, duration, line.applyAsInt(stack[i]), samples[i]));
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
