package dev.jobtrace.profiler;

/** One wall-clock sample: which Java thread, when (System.nanoTime clock), what stack. */
public final class Sample {
  public final long threadId;
  public final long nanoTime;

  /** Folded stack, root first: {@code frame;frame;frame}. */
  public final String stack;

  public Sample(long threadId, long nanoTime, String stack) {
    this.threadId = threadId;
    this.nanoTime = nanoTime;
    this.stack = stack;
  }
}
