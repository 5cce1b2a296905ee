package dev.jobtrace.profile;

import dev.jobtrace.analysis.AnalysisSettings;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs of identical short calls under one parent leave as one composite span ("redis GET ×4500")
 * instead of thousands; a call that is slow on its own, or a run too short, leaves as it came.
 */
final class CallCompressor {

  private final JobTraceTracker tracker;
  private final AnalysisSettings settings;
  /** The open run under each parent span. */
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  CallCompressor(JobTraceTracker tracker, AnalysisSettings settings) {
    this.tracker = tracker;
    this.settings = settings;
  }

  /** True when the call is kept back, to leave later alone or as part of a composite. */
  boolean offer(ReadableSpan span, SpanNode node, SpanProcessor exporter) {
    // HTTP calls carry the trace into the service they call: folding them into a composite would
    // leave that service's spans without their parent.
    if (node.callKind == null
        || node.callKind == dev.jobtrace.analysis.CallKind.HTTP
        || node.parent == null
        || span.getLatencyNanos() >= settings.compressionMaxCall.toNanos()) {
      return false;
    }
    String parentId = node.parent.spanId;
    Run finished = null;
    synchronized (this) {
      Run run = runs.get(parentId);
      if (run != null && !run.matches(node, span.getName())) {
        finished = runs.remove(parentId);
        run = null;
      }
      if (run == null) {
        run = new Run(node, span.getName(), exporter);
        runs.put(parentId, run);
      }
      run.add(span, node, settings.compressionMinRun);
    }
    if (finished != null) {
      finished.flush();
    }
    return true;
  }

  /** A span ended: the run of calls under it is over. */
  void parentEnded(String spanId, SpanProcessor exporter) {
    Run run;
    synchronized (this) {
      run = runs.remove(spanId);
    }
    if (run != null) {
      run.flush();
    }
  }

  void flushAll() {
    List<Run> all;
    synchronized (this) {
      all = new ArrayList<>(runs.values());
      runs.clear();
    }
    for (Run run : all) {
      run.flush();
    }
  }

  /** Consecutive identical calls under one parent. */
  private static final class Run {
    final dev.jobtrace.analysis.CallKind kind;
    final String name;
    final String statement;
    final SpanProcessor exporter;
    /** Held until the run is long enough to become a composite. */
    final List<ReadableSpan> held = new ArrayList<>();
    ReadableSpan first;
    long count;
    long sumNanos;
    /** The run's extent on the monotonic clock; turned into epoch time from the first call. */
    long startNanos = Long.MAX_VALUE;
    long endNanos = Long.MIN_VALUE;

    Run(SpanNode node, String name, SpanProcessor exporter) {
      this.kind = node.callKind;
      this.name = name;
      this.statement = node.statement;
      this.exporter = exporter;
    }

    boolean matches(SpanNode node, String spanName) {
      return node.callKind == kind && name.equals(spanName) && java.util.Objects.equals(statement, node.statement);
    }

    long firstStartNanos;

    void add(ReadableSpan span, SpanNode node, int minRun) {
      if (first == null) {
        first = span;
        firstStartNanos = node.startNanos;
      }
      count++;
      sumNanos += span.getLatencyNanos();
      startNanos = Math.min(startNanos, node.startNanos);
      endNanos = Math.max(endNanos, node.endNanos);
      if (count < minRun) {
        held.add(span);
      } else {
        held.clear();
      }
    }

    void flush() {
      if (!held.isEmpty()) {
        for (ReadableSpan span : held) {
          exporter.onEnd(span);
        }
      } else if (first != null) {
        long firstEpoch = first.toSpanData().getStartEpochNanos();
        exporter.onEnd(
            CompositeSpan.of(
                first, kind.label, count, sumNanos,
                firstEpoch + (startNanos - firstStartNanos),
                firstEpoch + (endNanos - firstStartNanos)));
      }
    }
  }
}
