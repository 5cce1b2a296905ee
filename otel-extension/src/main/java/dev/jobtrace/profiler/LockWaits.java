package dev.jobtrace.profiler;

import dev.jobtrace.analysis.Finding;
import dev.jobtrace.analysis.JobAnalysis;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.SpanContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One job's waits for contended Java locks (monitors entered by {@code synchronized}, {@code
 * ReentrantLock}, {@code ReentrantReadWriteLock}, {@code Semaphore}), as async-profiler records
 * them: by the lock's class, and by the stack that waited. Bounded: at most {@link #MAX_LOCKS}
 * classes and {@link #MAX_STACKS} stacks per class; further ones count without their stack. Touched
 * by the profile collector thread only.
 */
public final class LockWaits {

  static final int MAX_LOCKS = 32;
  static final int MAX_STACKS = 64;

  /** At most this many lock findings per job, the costliest first. */
  static final int MAX_FINDINGS = 2;

  static final String OTHER = "(other)";

  private final long intervalNanos;
  private final Map<String, Lock> byClass = new HashMap<>();

  private static final class Lock {
    long waits;
    long nanos;
    long maxNanos;
    final Map<String, Long> nanosByStack = new HashMap<>();
  }

  /**
   * {@code intervalNanos}: async-profiler's lock interval; a recorded wait shorter than it stands
   * for that much blocked time, since one in each such stretch is recorded.
   */
  public LockWaits(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  public void add(Sample wait) {
    Lock lock = byClass.get(wait.lockClass());
    if (lock == null) {
      lock =
          byClass.computeIfAbsent(
              byClass.size() < MAX_LOCKS ? wait.lockClass() : OTHER, k -> new Lock());
    }
    long nanos = Math.max(wait.lockNanos(), intervalNanos);
    lock.waits++;
    lock.nanos += nanos;
    lock.maxNanos = Math.max(lock.maxNanos, wait.lockNanos());
    String frames = framesOnly(wait.stack());
    String stack =
        lock.nanosByStack.containsKey(frames) || lock.nanosByStack.size() < MAX_STACKS
            ? frames
            : OTHER;
    lock.nanosByStack.merge(stack, nanos, Long::sum);
  }

  /**
   * The stacks the job's threads were seen blocked in, {@link #framesOnly}: a wall-clock sample of
   * a thread waiting to enter a monitor ends in the method it waits to enter, like one running it.
   */
  public Set<String> blockedStacks() {
    Set<String> out = new HashSet<>();
    for (Lock lock : byClass.values()) {
      out.addAll(lock.nanosByStack.keySet());
    }
    out.remove(OTHER);
    return out;
  }

  /**
   * The locks the job's threads were blocked on for at least {@code minNanos}: {@code lock
   * RateCache ×120, 1.9 s blocked (48% of job), waiting in RateCache.get}.
   */
  public List<Finding> findings(long jobNanos, HotFrames frames, long minNanos) {
    List<Map.Entry<String, Lock>> locks = new ArrayList<>(byClass.entrySet());
    locks.removeIf(e -> e.getKey().equals(OTHER) || e.getValue().nanos < minNanos);
    locks.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, Lock> e : locks.subList(0, Math.min(MAX_FINDINGS, locks.size()))) {
      Lock lock = e.getValue();
      Map<String, Long> byFrame = new HashMap<>();
      lock.nanosByStack.forEach(
          (stack, nanos) -> {
            if (!stack.equals(OTHER)) {
              byFrame.merge(frames.applicationFrame(stack), nanos, Long::sum);
            }
          });
      String waitingIn = byFrame.isEmpty() ? null : HotFrames.most(byFrame);
      String summary =
          "lock "
              + shortName(e.getKey())
              + " ×"
              + lock.waits
              + ", "
              + JobAnalysis.seconds(lock.nanos)
              + " blocked"
              + (lock.nanos <= jobNanos
                  ? " (" + Math.round(100.0 * lock.nanos / Math.max(1, jobNanos)) + "% of job)"
                  : " across its threads (job " + JobAnalysis.seconds(jobNanos) + ")")
              + (waitingIn == null ? "" : ", waiting in " + waitingIn);
      out.add(
          new Finding(
              SpanContract.FINDING_KIND_CONTENTION,
              summary,
              lock.waits,
              lock.nanos / 1_000_000,
              lock.maxNanos / 1_000_000,
              e.getKey(),
              "the job's threads (or runs at once) queue for one lock: hold it for less (no I/O or"
                  + " slow work while holding it), split it (one per key), or use a concurrent"
                  + " structure instead",
              waitingIn));
    }
    return out;
  }

  /**
   * A folded stack without its frames' types: the profiler walks a waiting thread's stack in the
   * lock event differently from its samples (interpreted against compiled frames).
   */
  public static String framesOnly(String stack) {
    String[] frames = stack.split(";");
    for (int i = 0; i < frames.length; i++) {
      frames[i] = ProfileSnippetFormat.withoutTypeSuffix(frames[i]);
    }
    return String.join(";", frames);
  }

  /** {@code com.acme.RateCache} → {@code RateCache}; a lock's inner sync class → the lock. */
  static String shortName(String lockClass) {
    String simple = lockClass.substring(lockClass.lastIndexOf('.') + 1);
    int inner = simple.indexOf('$');
    if (inner > 0 && simple.endsWith("Sync")) {
      return simple.substring(0, inner);
    }
    return simple;
  }
}
