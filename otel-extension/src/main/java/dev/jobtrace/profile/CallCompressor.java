package dev.jobtrace.profile;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.CallStatement;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs of identical short calls under one parent leave as one composite span ("redis GET ×4500")
 * instead of thousands; a call that is slow on its own, or a run too short, leaves as it came. A
 * failed call always leaves on its own (the composite counts it), and a call that ends after its
 * parent leaves at once: no run is left open under a span that has ended.
 */
final class CallCompressor {

  private final AnalysisSettings settings;
  /** The open run under each parent span. */
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  CallCompressor(AnalysisSettings settings) {
    this.settings = settings;
  }

  /** True when the call is kept back, to leave later alone or as part of a composite. */
  boolean offer(ReadableSpan span, SpanNode node, SpanProcessor exporter) {
    // HTTP calls carry the trace into the service they call: folding them into a composite would
    // leave that service's spans without their parent.
    if (node.callKind == null
        || node.callKind == CallKind.HTTP
        || node.parent == null
        || span.getLatencyNanos() >= settings.compressionMaxCall.toNanos()) {
      return false;
    }
    boolean failed = span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR;
    String parentId = node.parent.spanId;
    Run finished = null;
    synchronized (this) {
      if (node.parent.endNanos != 0) {
        // The parent has left already (fire-and-forget work): nothing would close a run here.
        return false;
      }
      Run run = runs.get(parentId);
      if (failed) {
        if (run != null && run.matches(node, span.getName())) {
          run.failed++;
        }
        return false;
      }
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
  void parentEnded(String spanId) {
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

  /** Raw statements a composite span shows as examples of its shape. */
  static final int EXAMPLES = 3;
  /** Distinct statements counted per run; a composite at the cap says "at least". */
  static final int MAX_DISTINCT = 1000;

  /** Consecutive calls of the same shape under one parent. */
  private static final class Run {
    final CallKind kind;
    final String name;
    final String statement;
    final SpanProcessor exporter;
    /** Held until the run is long enough to become a composite. */
    final List<ReadableSpan> held = new ArrayList<>();
    ReadableSpan first;
    long count;
    /** Calls of the run that failed; they left as their own spans. */
    long failed;
    long sumNanos;
    /** Up to {@link #EXAMPLES} distinct statements of the run as recorded, and how many distinct ones (capped). */
    final List<String> examples = new ArrayList<>(EXAMPLES);
    final Set<Integer> distinct = new HashSet<>();
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
      return node.callKind == kind && name.equals(spanName) && Objects.equals(statement, node.statement);
    }

    long firstStartNanos;

    void add(ReadableSpan span, SpanNode node, int minRun) {
      if (first == null) {
        first = span;
        firstStartNanos = node.startNanos;
      }
      count++;
      sumNanos += span.getLatencyNanos();
      if (distinct.size() < MAX_DISTINCT) {
        String raw = CallStatement.raw(span);
        if (distinct.add(raw.hashCode()) && examples.size() < EXAMPLES) {
          examples.add(raw);
        }
      }
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
                first, kind.label, statement, examples, distinct.size(), count, failed, sumNanos,
                firstEpoch + (startNanos - firstStartNanos),
                firstEpoch + (endNanos - firstStartNanos)));
      }
    }
  }
}
