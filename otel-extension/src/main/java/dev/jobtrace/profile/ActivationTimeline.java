package dev.jobtrace.profile;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which span was current on which thread, and when. A thread appends a switch each time the span
 * current on it changes (context attach or scope close); the collector looks a sample's time up in
 * its thread's switches. This is what puts work done in a pool thread on the span that handed it
 * over: the task runs with that span's context attached.
 */
public final class ActivationTimeline {

  /** Per thread: switches kept at most, oldest dropped first. */
  static final int MAX_SWITCHES_PER_THREAD = 1 << 16;

  private final Map<Long, ThreadLog> threads = new ConcurrentHashMap<>();
  private final ThreadLocal<ThreadLog> local = new ThreadLocal<>();

  /** The calling thread's log, created on first use. */
  ThreadLog current() {
    ThreadLog log = local.get();
    if (log == null) {
      Thread t = Thread.currentThread();
      log = new ThreadLog(t);
      local.set(log);
      threads.put(t.getId(), log);
    }
    return log;
  }

  /** The calling thread's log if it ever ran job work. */
  ThreadLog currentIfAny() {
    return local.get();
  }

  SpanNode spanAt(long threadId, long nanoTime) {
    ThreadLog log = threads.get(threadId);
    return log == null ? null : log.spanAt(nanoTime);
  }

  /** Threads in job work right now (for re-adding them to a new recording). */
  Iterable<ThreadLog> logs() {
    return threads.values();
  }

  /** Forgets switches before {@code watermark}, and threads that died idle. */
  void prune(long watermark) {
    for (Iterator<ThreadLog> it = threads.values().iterator(); it.hasNext(); ) {
      ThreadLog log = it.next();
      log.prune(watermark);
      if (!log.thread.isAlive() && log.active() == null) {
        it.remove();
      }
    }
  }

  /** One thread's switches: times ascending, the span current from that time on (null: none). */
  static final class ThreadLog {
    final Thread thread;
    private long[] times = new long[16];
    private SpanNode[] spans = new SpanNode[16];
    private int start;
    private int size;
    /** The span current now; written by the owning thread. */
    private volatile SpanNode active;
    /** Whether the profiler's filter has this thread; both threads may clear it. */
    volatile boolean sampled;

    ThreadLog(Thread thread) {
      this.thread = thread;
    }

    SpanNode active() {
      return active;
    }

    /** Called by the owning thread when its current span changes. */
    synchronized void switchTo(SpanNode node, long nanoTime) {
      active = node;
      if (size == MAX_SWITCHES_PER_THREAD) {
        start++;
        size--;
      }
      if (start + size == times.length) {
        if (start > times.length / 2) {
          System.arraycopy(times, start, times, 0, size);
          System.arraycopy(spans, start, spans, 0, size);
          Arrays.fill(spans, size, spans.length, null);
          start = 0;
        } else {
          times = Arrays.copyOf(times, times.length * 2);
          spans = Arrays.copyOf(spans, spans.length * 2);
        }
      }
      times[start + size] = nanoTime;
      spans[start + size] = node;
      size++;
    }

    synchronized SpanNode spanAt(long nanoTime) {
      int lo = start;
      int hi = start + size - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (times[mid] <= nanoTime) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found < 0 ? null : spans[found];
    }

    /** Keeps the last switch before the watermark: it says what was current from then on. */
    synchronized void prune(long watermark) {
      while (size > 1 && times[start + 1] <= watermark) {
        spans[start] = null;
        start++;
        size--;
      }
      if (size == 1 && spans[start] == null && times[start] <= watermark) {
        spans[start] = null;
        start = 0;
        size = 0;
      }
    }
  }
}
