package dev.jobtrace.tracking;

import dev.jobtrace.vthreads.MountBridge;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which span was current on which thread, and when. A thread appends a switch each time the span
 * current on it changes (context attach or scope close); the collector looks a sample's time up in
 * its thread's switches. This is what puts work done in a pool thread on the span that handed it
 * over: the task runs with that span's context attached.
 *
 * <p>A virtual thread has switches of its own, like any thread, but the profiler samples the
 * carrier it is mounted on. Each carrier logs which virtual thread it ran from when; a sample on a
 * carrier goes to the span current on the virtual thread mounted there at the sample's time, never
 * to a context the scheduler attached on the carrier itself.
 */
public final class ActivationTimeline {

  /** Per thread: switches kept at most, oldest dropped first. */
  static final int MAX_SWITCHES_PER_THREAD = 1 << 16;

  private final Map<Long, ThreadLog> threads = new ConcurrentHashMap<>();
  private final Map<Long, CarrierLog> carriers = new ConcurrentHashMap<>();
  private final ThreadLocal<ThreadLog> local = new ThreadLocal<>();

  /** The calling thread's log, created on first use. */
  public ThreadLog current() {
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

  /** Any thread's log, if it ever ran job work (for a virtual thread, from its carrier). */
  public ThreadLog logOf(Thread thread) {
    return threads.get(thread.getId());
  }

  /** The carrier's log, created on first use. */
  public CarrierLog carrier(Thread carrier) {
    CarrierLog log = carriers.get(carrier.getId());
    return log != null
        ? log
        : carriers.computeIfAbsent(carrier.getId(), id -> new CarrierLog(carrier));
  }

  /** The carrier the virtual thread is mounted on now, if its mount was seen. */
  public CarrierLog carrierRunning(Thread virtualThread) {
    for (CarrierLog c : carriers.values()) {
      if (c.current == virtualThread) {
        return c;
      }
    }
    return null;
  }

  public Iterable<CarrierLog> carriers() {
    return carriers.values();
  }

  SpanNode spanAt(long threadId, long nanoTime) {
    ThreadLog log = ranAt(threadId, nanoTime);
    return log == null ? null : log.spanAt(nanoTime);
  }

  /**
   * The thread a sample taken on {@code threadId} at {@code nanoTime} ran: the thread itself, or
   * for a carrier the virtual thread mounted on it then; null when not known.
   */
  ThreadLog ranAt(long threadId, long nanoTime) {
    CarrierLog carrier = carriers.get(threadId);
    return carrier != null ? carrier.mountedAt(nanoTime) : threads.get(threadId);
  }

  /** A thread's name as a profile shows it. */
  static String name(ThreadLog log) {
    String name = log.thread.getName();
    return name.isEmpty() && log.virtual ? "virtual thread " + log.thread.getId() : name;
  }

  /** Threads in job work right now (for re-adding them to a new recording). */
  Iterable<ThreadLog> logs() {
    return threads.values();
  }

  /** Forgets switches before {@code watermark}, and threads that died idle before it. */
  void prune(long watermark) {
    for (Iterator<ThreadLog> it = threads.values().iterator(); it.hasNext(); ) {
      ThreadLog log = it.next();
      log.prune(watermark);
      // A thread that ended keeps its log until every switch it made is before the watermark:
      // samples from its last moments may still be on their way.
      if (!log.thread.isAlive() && log.active() == null && log.drained()) {
        it.remove();
      }
    }
    for (Iterator<CarrierLog> it = carriers.values().iterator(); it.hasNext(); ) {
      CarrierLog carrier = it.next();
      carrier.prune(watermark);
      if (!carrier.thread.isAlive()) {
        it.remove();
      }
    }
  }

  /** One thread's switches: times ascending, the span current from that time on (null: none). */
  public static final class ThreadLog {
    public final Thread thread;

    /** A virtual thread: sampled through the carrier it is mounted on. */
    final boolean virtual;

    /** A carrier of virtual threads: what is attached on it is the scheduler's, never followed. */
    final boolean carrier;

    /**
     * Virtual threads: the carrier it runs on now, null while unmounted; written on that carrier.
     */
    public volatile CarrierLog mountedOn;

    /** Virtual threads: counts unmounts, so a parked stack is walked once per park. */
    public volatile long parks;

    /** Virtual threads: the stack it was parked in at park number {@link #stackOfPark}. */
    public String parkedStack;

    public long stackOfPark = -1;
    private long[] times = new long[16];
    private SpanNode[] spans = new SpanNode[16];
    private int start;
    private int size;

    /** The span current now; written by the owning thread. */
    private volatile SpanNode active;

    /** Whether the profiler's filter has this thread; both threads may clear it. */
    public volatile boolean sampled;

    ThreadLog(Thread thread) {
      this.thread = thread;
      this.virtual = MountBridge.isVirtual(thread);
      this.carrier = MountBridge.isCarrier(thread);
    }

    public SpanNode active() {
      return active;
    }

    /** Called by the owning thread when its current span changes. */
    public synchronized void switchTo(SpanNode node, long nanoTime) {
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
    /** No switch is kept: the thread has been idle since before the last prune's watermark. */
    synchronized boolean drained() {
      return size == 0;
    }

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

  /**
   * Which virtual thread a carrier ran from when. Written only on the carrier itself (at mount,
   * unmount, and a virtual thread's first job work), without locks: a virtual thread must never
   * block in the middle of mounting. Read by the collector, which also drops old segments.
   */
  public static final class CarrierLog {
    static final int SEGMENT = 1024;

    public final Thread thread;

    /** The virtual thread mounted now, whether or not it does job work. */
    public volatile Thread current;

    /** Whether jobtrace put this carrier in the profiler's filter; touched on the carrier only. */
    public volatile boolean inFilter;

    private volatile Segment head = new Segment();

    /** Written by the carrier only. */
    private Segment tail = head;

    private ThreadLog last;

    CarrierLog(Thread thread) {
      this.thread = thread;
    }

    /** The carrier now runs {@code log}'s virtual thread (null: none that does job work). */
    public void switchTo(ThreadLog log, long nanoTime) {
      if (log == last && tail.size > 0) {
        return;
      }
      last = log;
      Segment t = tail;
      if (t.size == SEGMENT) {
        Segment next = new Segment();
        t.next = next;
        tail = next;
        t = next;
      }
      int i = t.size;
      t.times[i] = nanoTime;
      t.logs[i] = log;
      t.size = i + 1;
    }

    ThreadLog mountedAt(long nanoTime) {
      ThreadLog found = null;
      for (Segment seg = head; seg != null; seg = seg.next) {
        int size = seg.size;
        if (size == 0 || seg.times[0] > nanoTime) {
          break;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
          int mid = (lo + hi + 1) >>> 1;
          if (seg.times[mid] <= nanoTime) {
            lo = mid;
          } else {
            hi = mid - 1;
          }
        }
        found = seg.logs[lo];
      }
      return found;
    }

    /** Drops segments wholly before the watermark, keeping the switch in force at it. */
    void prune(long watermark) {
      Segment h = head;
      while (h.next != null && h.next.size > 0 && h.next.times[0] <= watermark) {
        h = h.next;
      }
      head = h;
    }

    private static final class Segment {
      final long[] times = new long[SEGMENT];
      final ThreadLog[] logs = new ThreadLog[SEGMENT];
      volatile int size;
      volatile Segment next;
    }
  }
}
