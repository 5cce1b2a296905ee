package dev.jobtrace.export;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stands in for one configured span exporter. It takes each batch at once and hands it on from its
 * own thread, so a backend that is down or slow never holds up the batch processor in front of it
 * (whose queue would then overflow and drop job spans as readily as any other). What it cannot
 * deliver it holds in an {@link OutageBuffer}, bounded by count and bytes, job spans and the spans
 * that carry findings and profiles kept longest, and delivers once the backend answers again,
 * retrying with a growing pause. One line is logged when an outage starts and one when delivery
 * recovers, with counts; the counts are also metrics ({@code jobtrace.export.shed}, {@code
 * jobtrace.export.delivered_late}, {@code jobtrace.export.held}).
 */
public final class BufferingExporter implements SpanExporter {

  private static final Logger logger = Logger.getLogger(BufferingExporter.class.getName());

  /** Spans handed on per call of the exporter. */
  static final int BATCH = 512;

  /** How long one call of the exporter may take before it counts as failed. */
  static final long EXPORT_TIMEOUT_SECONDS = 30;

  static final long FIRST_PAUSE_MILLIS = 500;
  static final long MAX_PAUSE_MILLIS = 10_000;

  /** At shutdown, how long held spans may still be tried while the backend is down. */
  static final long SHUTDOWN_GRACE_MILLIS = 5_000;

  private static final AttributeKey<String> SHED_KIND = AttributeKey.stringKey("kind");

  private final SpanExporter delegate;
  private final String name;
  private final OutageBuffer buffer;

  /** Where held spans wait from a shutdown to the next start; null: memory only. */
  private final DiskSpill spill;

  private final Thread sender;
  private final List<CompletableResultCode> flushes = new ArrayList<>();
  private final CompletableResultCode stopped = new CompletableResultCode();
  private boolean inFlight;
  private volatile boolean shuttingDown;
  private long shutdownAt;

  /** The outage under way, seen from the sender thread only; null while export works. */
  private Outage outage;

  private volatile Meter meter;
  private LongCounter shedCounter;
  private LongCounter lateCounter;
  private long shedOtherDelivered;
  private long shedKeptDelivered;
  private long shedOtherReported;
  private long shedKeptReported;

  private record Outage(long startNanos, long shedOther, long shedKept) {}

  public BufferingExporter(SpanExporter delegate, int maxSpans, long maxBytes) {
    this(delegate, maxSpans, maxBytes, null);
  }

  /**
   * With {@code spillDir} set, spans still held at shutdown are written under it, and those an
   * earlier shutdown wrote there are delivered first; a directory that cannot be used leaves the
   * spans in memory only, with one line logged.
   */
  public BufferingExporter(SpanExporter delegate, int maxSpans, long maxBytes, String spillDir) {
    this.delegate = delegate;
    this.name = delegate.getClass().getSimpleName();
    this.buffer = new OutageBuffer(maxSpans, maxBytes);
    this.spill = spillDir == null ? null : openSpill(spillDir, name, maxBytes);
    this.sender = new Thread(this::deliver, "jobtrace-export-" + name);
    sender.setDaemon(true);
    sender.start();
  }

  /** Takes the spans and returns at once; never blocks the caller on the backend. */
  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    synchronized (this) {
      if (shuttingDown) {
        return CompletableResultCode.ofFailure();
      }
      for (SpanData span : spans) {
        buffer.add(span);
      }
      notifyAll();
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Done once what was taken is delivered; failed at once while the backend is down, the held spans
   * staying held.
   */
  @Override
  public synchronized CompletableResultCode flush() {
    if (buffer.size() == 0 && !inFlight) {
      return CompletableResultCode.ofSuccess();
    }
    if (outage != null) {
      return CompletableResultCode.ofFailure();
    }
    CompletableResultCode done = new CompletableResultCode();
    flushes.add(done);
    notifyAll();
    return done;
  }

  @Override
  public CompletableResultCode shutdown() {
    synchronized (this) {
      if (!shuttingDown) {
        shuttingDown = true;
        shutdownAt = System.nanoTime();
        notifyAll();
      }
    }
    return stopped;
  }

  private static DiskSpill openSpill(String root, String name, long maxBytes) {
    try {
      return DiskSpill.open(root, name, maxBytes);
    } catch (Throwable t) {
      logger.log(
          Level.WARNING,
          "jobtrace: span export ({0}): {1} cannot be used ({2}); spans held at shutdown are not"
              + " kept for the next start",
          new Object[] {name, root, String.valueOf(t)});
      return null;
    }
  }

  /** Takes back what an earlier shutdown could not deliver, to be delivered first. */
  private void restore() {
    try {
      List<SpanData> stored = spill.readAll();
      if (stored.isEmpty()) {
        return;
      }
      synchronized (this) {
        for (SpanData span : stored) {
          buffer.add(span);
        }
        notifyAll();
      }
      logger.log(
          Level.INFO,
          "jobtrace: span export ({0}): delivering {1} spans an earlier shutdown left in {2}",
          new Object[] {name, String.valueOf(stored.size()), spill.dir()});
    } catch (Throwable t) {
      logger.log(
          Level.WARNING,
          "jobtrace: span export ({0}): spans left in {1} could not be read ({2})",
          new Object[] {name, spill.dir(), String.valueOf(t)});
    }
  }

  /** The sender thread: hands held spans on, pausing while the backend fails. */
  private void deliver() {
    long pause = FIRST_PAUSE_MILLIS;
    if (spill != null) {
      restore();
    }
    try {
      while (true) {
        List<OutageBuffer.Held> batch;
        synchronized (this) {
          while (buffer.size() == 0 && !shuttingDown) {
            completeFlushes(true);
            wait();
          }
          if (buffer.size() == 0 || shuttingDown && outage != null && pastGrace()) {
            break;
          }
          batch = buffer.take(BATCH);
          inFlight = true;
        }
        String failure = send(batch);
        synchronized (this) {
          inFlight = false;
          if (failure == null) {
            recovered(batch.size());
            pause = FIRST_PAUSE_MILLIS;
            continue;
          }
          buffer.putBack(batch);
          failing(failure);
          completeFlushes(false);
          if (shuttingDown && pastGrace()) {
            break;
          }
          // New spans arriving do not cut the pause short; shutting down does.
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause);
          for (long left = pause; left > 0 && !shuttingDown; ) {
            wait(left);
            left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
          }
          pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      logger.log(Level.WARNING, "jobtrace: span delivery stopped after an internal error", t);
    }
    finish();
  }

  /** Calls the exporter; null when it delivered, else why not. */
  private String send(List<OutageBuffer.Held> batch) {
    List<SpanData> spans = new ArrayList<>(batch.size());
    for (OutageBuffer.Held h : batch) {
      spans.add(h.span());
    }
    try {
      CompletableResultCode result = delegate.export(spans);
      result.join(EXPORT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (result.isSuccess()) {
        return null;
      }
      Throwable why = result.getFailureThrowable();
      return !result.isDone()
          ? "no answer in " + EXPORT_TIMEOUT_SECONDS + " s"
          : why != null ? why.getClass().getSimpleName() + ": " + why.getMessage() : "it failed";
    } catch (Throwable t) {
      return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
  }

  private boolean pastGrace() {
    return System.nanoTime() - shutdownAt > TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_GRACE_MILLIS);
  }

  private void failing(String reason) {
    countShed();
    if (outage != null) {
      return;
    }
    // Spans shed since the last delivery were shed for this outage, the first failure however late.
    outage = new Outage(System.nanoTime(), shedOtherDelivered, shedKeptDelivered);
    logger.log(
        Level.WARNING,
        "jobtrace: span export ({0}) failing ({1}); holding spans until it recovers, job spans and"
            + " those with findings or profiles longest: {2} held, other spans shed first past"
            + " the bounds (otel.jobtrace.export.buffer.max-spans, max-bytes)",
        new Object[] {name, reason, String.valueOf(buffer.size())});
  }

  private void recovered(int delivered) {
    countShed();
    if (outage == null) {
      shedOtherDelivered = buffer.shedOther();
      shedKeptDelivered = buffer.shedKept();
      return;
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outage.startNanos);
    long shedOther = buffer.shedOther() - outage.shedOther;
    long shedKept = buffer.shedKept() - outage.shedKept;
    logger.log(
        Level.INFO,
        String.format(
            Locale.ROOT,
            "jobtrace: span export (%s) recovered after %d s; delivering the %d spans held, %d"
                + " other spans and %d worth keeping were shed during the outage",
            name,
            seconds,
            buffer.size() + delivered,
            shedOther,
            shedKept));
    if (lateCounter() != null) {
      lateCounter.add(buffer.size() + (long) delivered);
    }
    outage = null;
    shedOtherDelivered = buffer.shedOther();
    shedKeptDelivered = buffer.shedKept();
  }

  /** Reports sheds since the last report as metrics. */
  private void countShed() {
    LongCounter counter = shedCounter();
    if (counter == null) {
      return;
    }
    long other = buffer.shedOther();
    long kept = buffer.shedKept();
    if (other > shedOtherReported) {
      counter.add(other - shedOtherReported, Attributes.of(SHED_KIND, "other"));
      shedOtherReported = other;
    }
    if (kept > shedKeptReported) {
      counter.add(kept - shedKeptReported, Attributes.of(SHED_KIND, "kept"));
      shedKeptReported = kept;
    }
  }

  private void completeFlushes(boolean success) {
    for (CompletableResultCode f : flushes) {
      if (success) {
        f.succeed();
      } else {
        f.fail();
      }
    }
    flushes.clear();
  }

  private void finish() {
    int left;
    synchronized (this) {
      left = buffer.size();
      completeFlushes(left == 0);
    }
    if (left > 0 && spill != null) {
      spillHeld(left);
    } else if (left > 0) {
      logger.log(
          Level.WARNING,
          "jobtrace: span export ({0}) still failing at shutdown; {1} held spans not delivered",
          new Object[] {name, String.valueOf(left)});
    }
    if (spill != null) {
      spill.close();
    }
    delegate.shutdown().whenComplete(stopped::succeed);
  }

  /** Writes what is still held for the next start. */
  private void spillHeld(int left) {
    int written = 0;
    String why = "";
    try {
      List<SpanData> spans = new ArrayList<>(left);
      synchronized (this) {
        for (OutageBuffer.Held h : buffer.take(left)) {
          spans.add(h.span());
        }
      }
      written = spill.write(spans);
      if (written < left) {
        why = " (the directory took no more)";
      }
    } catch (Throwable t) {
      why = " (" + t + ")";
    }
    logger.log(
        Level.WARNING,
        "jobtrace: span export ({0}) still failing at shutdown; {1} held spans written to {2} for"
            + " the next start to deliver, {3} not kept{4}",
        new Object[] {
          name, String.valueOf(written), spill.dir(), String.valueOf(left - written), why
        });
  }

  private Meter meter() {
    // Not before the agent has set the global OpenTelemetry: asking earlier would fix it as no-op.
    if (meter == null && GlobalOpenTelemetry.isSet()) {
      try {
        Meter m = GlobalOpenTelemetry.getMeter("dev.jobtrace");
        m.gaugeBuilder("jobtrace.export.held")
            .ofLongs()
            .setDescription("Spans taken for export and not yet delivered")
            .setUnit("{span}")
            .buildWithCallback(
                g -> {
                  synchronized (this) {
                    g.record(buffer.size());
                  }
                });
        shedCounter =
            m.counterBuilder("jobtrace.export.shed")
                .setDescription("Spans dropped because the export buffer was full")
                .setUnit("{span}")
                .build();
        lateCounter =
            m.counterBuilder("jobtrace.export.delivered_late")
                .setDescription("Spans held through an export outage and delivered after it")
                .setUnit("{span}")
                .build();
        meter = m;
      } catch (Throwable t) {
        return null;
      }
    }
    return meter;
  }

  private LongCounter shedCounter() {
    return meter() == null ? null : shedCounter;
  }

  private LongCounter lateCounter() {
    return meter() == null ? null : lateCounter;
  }
}
