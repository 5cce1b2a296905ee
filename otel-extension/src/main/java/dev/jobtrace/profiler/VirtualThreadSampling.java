package dev.jobtrace.profiler;

import dev.jobtrace.Once;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.tracking.ActivationTimeline;
import dev.jobtrace.tracking.SpanNode;
import dev.jobtrace.vthreads.MountBridge;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes a virtual thread's wall-clock profile read like a platform thread's. While it is mounted,
 * async-profiler samples its carrier, which is in the profiler's filter exactly while a virtual
 * thread doing job work is mounted on it. While it is unmounted (parked on a socket, a lock, a
 * sleep) no OS thread runs it, so a sampler thread takes its parked stack at the profiler's
 * interval: a park is one stack, walked once however long it lasts.
 */
public final class VirtualThreadSampling {

  /** Parked virtual threads sampled per tick at most; beyond it, one log line. */
  static final int MAX_PARKED_PER_TICK = 256;

  /** Parked samples waiting for the collector at most; beyond it, one log line. */
  static final int MAX_QUEUED = 500_000;

  private static final Logger logger = Logger.getLogger(VirtualThreadSampling.class.getName());

  private final ActivationTimeline timeline;
  private final long intervalNanos;
  private volatile WallClockProfiler profiler;

  /** Virtual threads with a job span current now. */
  private final Set<ActivationTimeline.ThreadLog> working = ConcurrentHashMap.newKeySet();

  private final ConcurrentLinkedQueue<Sample> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private volatile boolean followed;
  private final Once dropLogged = new Once();
  private volatile Thread sampler;
  private volatile boolean stopped;

  public VirtualThreadSampling(ActivationTimeline timeline, long intervalNanos) {
    this.timeline = timeline;
    this.intervalNanos = intervalNanos;
  }

  /** Connects to the mount bridge; returns why virtual threads are not followed, or null. */
  public String start(WallClockProfiler profiler) {
    this.profiler = profiler;
    if (!MountBridge.jvmHasVirtualThreads()) {
      return null;
    }
    followed = MountBridge.listen(this::mounted, this::unmounting);
    if (!followed) {
      return MountBridge.unavailable() != null
          ? MountBridge.unavailable()
          : "virtual threads are not followed";
    }
    Thread t = new Thread(this::sampleParked, "jobtrace-virtual-thread-sampler");
    t.setDaemon(true);
    sampler = t;
    t.start();
    return null;
  }

  public void stop() {
    stopped = true;
    profiler = null;
    MountBridge.listen(null, null);
    Thread t = sampler;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  boolean followed() {
    return followed;
  }

  // ---- the virtual thread itself, on its carrier ----

  /** The span current on a virtual thread changed; called on that virtual thread. */
  public void switched(ActivationTimeline.ThreadLog log, SpanNode node, long nanoTime) {
    if (!followed) {
      return;
    }
    ActivationTimeline.CarrierLog carrier = log.mountedOn;
    if (carrier == null) {
      // Its first job work: it mounted before it had a log, so find where it runs.
      carrier = timeline.carrierRunning(log.thread);
      if (carrier != null) {
        log.mountedOn = carrier;
        carrier.switchTo(log, nanoTime);
      }
    }
    if (node != null) {
      if (!log.sampled) {
        log.sampled = true;
        working.add(log);
        Thread t = sampler;
        if (t != null) {
          LockSupport.unpark(t);
        }
      }
      if (carrier != null) {
        addToFilter(carrier);
      }
    } else {
      if (log.sampled) {
        log.sampled = false;
        working.remove(log);
      }
      if (carrier != null) {
        removeFromFilter(carrier);
      }
    }
  }

  private void mounted(Thread virtualThread, Thread carrierThread) {
    moved(virtualThread, carrierThread, true);
  }

  private void unmounting(Thread virtualThread, Thread carrierThread) {
    moved(virtualThread, carrierThread, false);
  }

  /** At mount (exit) and unmount (entry), on the carrier's OS thread; never throws into the JDK. */
  private void moved(Thread virtualThread, Thread carrierThread, boolean mounting) {
    try {
      ActivationTimeline.CarrierLog carrier = timeline.carrier(carrierThread);
      carrier.current = mounting ? virtualThread : null;
      ActivationTimeline.ThreadLog log = timeline.logOf(virtualThread);
      if (log == null) {
        return;
      }
      if (!mounting) {
        log.parks++;
      }
      log.mountedOn = mounting ? carrier : null;
      carrier.switchTo(mounting ? log : null, System.nanoTime());
      if (mounting && log.active() != null) {
        addToFilter(carrier);
      } else if (!mounting) {
        removeFromFilter(carrier);
      }
    } catch (Throwable t) {
      // Nothing may escape into the JDK's mount or unmount.
    }
  }

  /** On the carrier's own OS thread: the profiler's filter works on the calling OS thread. */
  private void addToFilter(ActivationTimeline.CarrierLog carrier) {
    WallClockProfiler p = profiler;
    if (p != null && !carrier.inFilter) {
      carrier.inFilter = true;
      p.addCurrentThread();
    }
  }

  private void removeFromFilter(ActivationTimeline.CarrierLog carrier) {
    WallClockProfiler p = profiler;
    if (p != null && carrier.inFilter) {
      carrier.inFilter = false;
      p.removeCurrentThread();
    }
  }

  // ---- the collector ----

  /** A new recording starts with an empty filter: put back the carriers that should be in it. */
  public void recordingRotated(WallClockProfiler p) {
    for (ActivationTimeline.CarrierLog carrier : timeline.carriers()) {
      if (carrier.inFilter) {
        p.addThread(carrier.thread);
      }
    }
  }

  /** A virtual thread whose span leaked its context: stop sampling it while parked. */
  public void forget(ActivationTimeline.ThreadLog log) {
    working.remove(log);
  }

  /** The parked samples taken since the last call. */
  public List<Sample> drainParked() {
    List<Sample> out = new ArrayList<>();
    for (Sample s; (s = parked.poll()) != null; ) {
      out.add(s);
    }
    queued.addAndGet(-out.size());
    return out;
  }

  // ---- the sampler thread ----

  private void sampleParked() {
    long next = System.nanoTime();
    while (!stopped) {
      if (working.isEmpty()) {
        LockSupport.park(this);
        next = System.nanoTime();
        continue;
      }
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      } else {
        next = System.nanoTime();
      }
      try {
        tick();
      } catch (Throwable t) {
        // A thread that ended mid-walk, say: that sample is lost, the next tick goes on.
      }
    }
  }

  private void tick() {
    long now = System.nanoTime();
    int taken = 0;
    for (ActivationTimeline.ThreadLog log : working) {
      if (log.mountedOn != null || log.active() == null) {
        continue;
      }
      if (taken++ >= MAX_PARKED_PER_TICK || queued.get() >= MAX_QUEUED) {
        logDropOnce();
        return;
      }
      long park = log.parks;
      String stack = log.stackOfPark == park ? log.parkedStack : null;
      if (stack == null) {
        StackTraceElement[] frames = log.thread.getStackTrace();
        if (frames.length == 0 || log.parks != park || log.mountedOn != null) {
          continue;
        }
        stack = fold(frames);
        log.parkedStack = stack;
        log.stackOfPark = park;
      }
      queued.incrementAndGet();
      parked.add(new Sample(log.thread.getId(), now, stack));
    }
  }

  private void logDropOnce() {
    if (dropLogged.first()) {
      logger.log(
          Level.INFO,
          "jobtrace: more than "
              + MAX_PARKED_PER_TICK
              + " parked virtual threads in job work at once; the rest go unsampled while parked");
    }
  }

  /** async-profiler's frame type for compiled Java: a walked stack does not say how a frame ran. */
  private static final int JIT_COMPILED = 1;

  /** Root first, in async-profiler's folded form, every frame marked as compiled Java. */
  static String fold(StackTraceElement[] frames) {
    StringBuilder sb = new StringBuilder();
    for (int i = frames.length - 1; i >= 0; i--) {
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(frames[i].getClassName())
          .append('.')
          .append(frames[i].getMethodName())
          .append(ProfileSnippetFormat.typeSuffix(JIT_COMPILED));
    }
    return sb.toString();
  }
}
