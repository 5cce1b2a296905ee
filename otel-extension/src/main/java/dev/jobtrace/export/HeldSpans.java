package dev.jobtrace.export;

import dev.jobtrace.tracking.SpanNode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Job spans and slow spans that have ended but wait for the samples of their last moments (and, for
 * job spans, for their analysis) before they go to the exporter. Ending threads only append; the
 * collector thread releases. At most {@link #MAX_HELD} wait at once.
 */
public final class HeldSpans {

  /** Slow spans waiting for their samples at once; beyond this, they are exported without. */
  public static final int MAX_HELD = 10_000;

  public static final String INCOMPLETE_FLUSH =
      "a flush or shutdown sent this span before the samples of its last moments were read";
  public static final String INCOMPLETE_WAIT =
      "the samples of this span's last moments were not read within otel.jobtrace.profile.max-wait";

  /** A span waiting, the exporter it goes to, and the monotonic time its wait ends. */
  public record Held(ReadableSpan span, SpanNode node, SpanProcessor exporter, long deadline) {}

  /**
   * What happens to a span leaving; {@code incomplete} says why its profile misses its end, or is
   * null.
   */
  public interface Release {
    void release(Held held, String incomplete);
  }

  private final ConcurrentLinkedQueue<Held> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  /** False when {@link #MAX_HELD} wait already: the caller sends it on at once. */
  public boolean hold(Held held) {
    if (count.incrementAndGet() > MAX_HELD) {
      count.decrementAndGet();
      return false;
    }
    queue.add(held);
    return true;
  }

  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Releases every span whose samples are read up to its end ({@code readUpTo}), whose wait is
   * over, or every one with {@code releaseAll}; returns the nodes of those still held.
   */
  public Set<SpanNode> releaseCompleted(
      long readUpTo, boolean releaseAll, long now, Release release) {
    Set<SpanNode> stillHeld = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Iterator<Held> it = queue.iterator(); it.hasNext(); ) {
      Held next = it.next();
      boolean complete = next.node().endNanos <= readUpTo;
      if (complete || releaseAll || now - next.deadline() >= 0) {
        it.remove();
        count.decrementAndGet();
        release.release(next, complete ? null : (releaseAll ? INCOMPLETE_FLUSH : INCOMPLETE_WAIT));
      } else {
        stillHeld.add(next.node());
      }
    }
    return stillHeld;
  }
}
