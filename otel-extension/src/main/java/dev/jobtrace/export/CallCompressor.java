package dev.jobtrace.export;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.CallStatement;
import dev.jobtrace.tracking.SpanNode;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs of short calls of the same shape under one parent leave as one composite span ("redis GET
 * ×4500") instead of thousands; a call that is slow on its own, or a run too short, leaves as it
 * came. Up to {@link #OPEN_RUNS} shapes keep their runs open under a parent at once, so a loop that
 * makes a few calls per record ({@code GET acct:{id}} then {@code HGET prefs:{id} lang}) folds into
 * one composite per shape, each spanning the loop; a fifth shape closes the run used least
 * recently. A failed call always leaves on its own (the composite counts it), and a call that ends
 * after its parent leaves at once: no run is left open under a span that has ended.
 */
public final class CallCompressor {

  /** Shapes with an open run under one parent: the longest per-record sequence jobtrace names. */
  static final int OPEN_RUNS = 4;

  private final AnalysisSettings settings;

  /** The open runs under each parent span, least recently used first. */
  private final Map<String, List<Run>> runs = new HashMap<>();

  public CallCompressor(AnalysisSettings settings) {
    this.settings = settings;
  }

  /** True when the call is kept back, to leave later alone or as part of a composite. */
  public boolean offer(ReadableSpan span, SpanNode node, SpanProcessor exporter) {
    // HTTP calls carry the trace into the service they call: folding them into a composite would
    // leave that service's spans without their parent.
    if (node.callKind == null
        || node.callKind == CallKind.HTTP
        || node.parent == null
        || span.getLatencyNanos() >= settings.compressionMaxCall().toNanos()) {
      return false;
    }
    boolean failed = span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR;
    String parentId = node.parent.spanId;
    Run closed = null;
    synchronized (this) {
      if (node.parent.endNanos != 0) {
        // The parent has left already (fire-and-forget work): nothing would close a run here.
        return false;
      }
      List<Run> open = runs.computeIfAbsent(parentId, k -> new ArrayList<>(OPEN_RUNS));
      Run run = null;
      for (int i = 0; i < open.size(); i++) {
        if (open.get(i).matches(node, span.getName())) {
          run = open.remove(i);
          open.add(run);
          break;
        }
      }
      if (failed) {
        if (run != null) {
          run.failed++;
        }
        return false;
      }
      if (run == null) {
        if (open.size() >= OPEN_RUNS) {
          closed = open.remove(0);
        }
        run = new Run(node, span.getName(), exporter);
        open.add(run);
      }
      run.add(span, node, settings.compressionMinRun());
    }
    if (closed != null) {
      closed.flush();
    }
    return true;
  }

  /** A span ended: the runs of calls under it are over. */
  public void parentEnded(String spanId) {
    List<Run> over;
    synchronized (this) {
      over = runs.remove(spanId);
    }
    if (over != null) {
      over.forEach(Run::flush);
    }
  }

  public void flushAll() {
    List<Run> all = new ArrayList<>();
    synchronized (this) {
      runs.values().forEach(all::addAll);
      runs.clear();
    }
    all.forEach(Run::flush);
  }

  /** Raw statements a composite span shows as examples of its shape. */
  static final int EXAMPLES = 3;

  /** Distinct statements counted per run; a composite at the cap says "at least". */
  static final int MAX_DISTINCT = 1000;

  /** Calls of the same shape under one parent, with at most a few other shapes between them. */
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

    /**
     * Up to {@link #EXAMPLES} distinct statements of the run as recorded, and how many distinct
     * ones (capped).
     */
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
      return node.callKind == kind
          && name.equals(spanName)
          && Objects.equals(statement, node.statement);
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
                first,
                kind.label,
                statement,
                examples,
                distinct.size(),
                count,
                failed,
                sumNanos,
                firstEpoch + (startNanos - firstStartNanos),
                firstEpoch + (endNanos - firstStartNanos)));
      }
    }
  }
}
