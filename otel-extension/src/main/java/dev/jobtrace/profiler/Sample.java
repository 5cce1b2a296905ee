package dev.jobtrace.profiler;

/**
 * One wall-clock sample: which Java thread, when (System.nanoTime clock), what stack.
 *
 * @param stack folded, root first: {@code frame;frame;frame}
 */
public record Sample(long threadId, long nanoTime, String stack) {}
