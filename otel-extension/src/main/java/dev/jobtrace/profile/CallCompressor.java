package dev.jobtrace.profile;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.CallStatement;
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

  private final ProfileRecorder recorder;
  private final AnalysisSettings settings;
  /** The open run under each parent span. */
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  CallCompressor(ProfileRecorder recorder, AnalysisSettings settings) {
    this.recorder = recorder;
    this.settings = settings;
  }

  /** True when the call is kept back, to leave later alone or as part of a composite. */
  boolean offer(ReadableSpan span, SpanNode node, SpanProcessor exporter) {
    if (node.callKind == null
        || node.parent == null
        || span.getLatencyNanos() >= settings.compressionMaxCall.toNanos()) {
      return false;
    }
    String key = node.callKind.label + " " + span.getName() + " " + CallStatement.of(span, node.callKind);
    String parentId = node.parent.spanId;
    Run finished = null;
    synchronized (this) {
      Run run = runs.get(parentId);
      if (run != null && !run.key.equals(key)) {
        finished = runs.remove(parentId);
        run = null;
      }
      if (run == null) {
        run = new Run(key, node.callKind.label, exporter);
        runs.put(parentId, run);
      }
      run.add(span, settings.compressionMinRun);
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
    final String key;
    final String kind;
    final SpanProcessor exporter;
    /** Held until the run is long enough to become a composite. */
    final List<ReadableSpan> held = new ArrayList<>();
    ReadableSpan first;
    long count;
    long sumNanos;
    long startEpochNanos = Long.MAX_VALUE;
    long endEpochNanos = Long.MIN_VALUE;

    Run(String key, String kind, SpanProcessor exporter) {
      this.key = key;
      this.kind = kind;
      this.exporter = exporter;
    }

    void add(ReadableSpan span, int minRun) {
      if (first == null) {
        first = span;
      }
      count++;
      sumNanos += span.getLatencyNanos();
      var data = span.toSpanData();
      startEpochNanos = Math.min(startEpochNanos, data.getStartEpochNanos());
      endEpochNanos = Math.max(endEpochNanos, data.getEndEpochNanos());
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
        exporter.onEnd(CompositeSpan.of(first, kind, count, sumNanos, startEpochNanos, endEpochNanos));
      }
    }
  }
}
