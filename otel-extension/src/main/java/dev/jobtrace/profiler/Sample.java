package dev.jobtrace.profiler;

/**
 * One wall-clock sample, or one wait for a contended lock: which Java thread, when (System.nanoTime
 * clock), what stack.
 *
 * @param stack folded, root first: {@code frame;frame;frame}
 * @param lockNanos for a lock wait, how long the thread was blocked; 0 for a wall-clock sample
 * @param lockClass for a lock wait, the class of the lock (the monitor's object, or the {@code
 *     java.util.concurrent} lock); null for a wall-clock sample
 */
public record Sample(long threadId, long nanoTime, String stack, long lockNanos, String lockClass) {

  public Sample(long threadId, long nanoTime, String stack) {
    this(threadId, nanoTime, stack, 0, null);
  }

  public boolean lockWait() {
    return lockClass != null;
  }
}
