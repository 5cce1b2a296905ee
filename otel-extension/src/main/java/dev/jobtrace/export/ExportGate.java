package dev.jobtrace.export;

import dev.jobtrace.Once;
import dev.jobtrace.tracking.JobTraceTracker;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sits in front of every exporting span processor the SDK was configured with (one per exporter
 * setup, e.g. {@code otel.traces.exporter=otlp,console}): job spans and slow spans of job traces
 * reach them only once their analysis and profile are complete (or their wait is over), runs of
 * identical short calls as one composite span; everything else passes straight through. Each span
 * is decided on once and then handed to every exporter, so each gets it exactly once.
 */
public final class ExportGate implements SpanProcessor {

  private static final Logger logger = Logger.getLogger(ExportGate.class.getName());

  private final JobTraceTracker tracker;
  private final List<SpanProcessor> exporters = new CopyOnWriteArrayList<>();
  private final SpanProcessor toAll = new ToAllExporters();
  private volatile boolean startRequired;
  private final Once exporterFailureLogged = new Once();

  public ExportGate(JobTraceTracker tracker) {
    this.tracker = tracker;
    tracker.exportMarkersTo(toAll);
  }

  /**
   * Puts an exporting processor behind this gate. The first call returns the gate itself, to take
   * that processor's place; later ones return a placeholder, since the gate already feeds them.
   */
  public synchronized SpanProcessor guard(SpanProcessor exporter) {
    exporters.add(exporter);
    startRequired |= exporter.isStartRequired();
    // A processor that does nothing stands where the later ones stood.
    return exporters.size() == 1 ? this : SpanProcessor.composite();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (SpanProcessor exporter : exporters) {
      if (exporter.isStartRequired()) {
        try {
          exporter.onStart(parentContext, span);
        } catch (Throwable t) {
          logExporterFailureOnce(t);
        }
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return startRequired;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    boolean held = false;
    try {
      held = tracker.hold(span, toAll);
    } catch (Throwable t) {
      tracker.logErrorOnce(t);
    }
    if (!held) {
      toAll.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    tracker.drain();
    List<CompletableResultCode> results = new ArrayList<>();
    for (SpanProcessor exporter : exporters) {
      results.add(exporter.forceFlush());
    }
    return CompletableResultCode.ofAll(results);
  }

  @Override
  public CompletableResultCode shutdown() {
    tracker.stop();
    List<CompletableResultCode> results = new ArrayList<>();
    for (SpanProcessor exporter : exporters) {
      results.add(exporter.shutdown());
    }
    return CompletableResultCode.ofAll(results);
  }

  private void logExporterFailureOnce(Throwable t) {
    if (exporterFailureLogged.first()) {
      logger.log(
          Level.WARNING,
          "jobtrace: an exporting span processor failed; the others still get every span: " + t,
          t);
    }
  }

  /** Hands a span to every exporter; one that throws does not keep it from the others. */
  private final class ToAllExporters implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      for (SpanProcessor exporter : exporters) {
        try {
          exporter.onEnd(span);
        } catch (Throwable t) {
          logExporterFailureOnce(t);
        }
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
