package dev.jobtrace.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one job run waited on: time per kind (overlaps counted once), calls per kind, and the
 * calls grouped by statement, from which the findings come. Memory stays bounded whatever the
 * number of calls: intervals are sealed into totals, statements are capped.
 */
public final class JobAnalysis {

  static final String OTHER_CALLS = "(other calls)";

  private final AnalysisSettings settings;
  private final WaitTime waits = new WaitTime();
  private final long[] calls = new long[CallKind.values().length];
  /** Per kind: statement to its calls. */
  private final List<Map<String, CallStats>> byStatement = new ArrayList<>();
  private int statements;
  /** Start times (nanoTime) of the calls in flight, to know how far back time can be sealed. */
  private final Map<String, Long> inFlight = new HashMap<>();

  public JobAnalysis(AnalysisSettings settings) {
    this.settings = settings;
    for (int i = 0; i < CallKind.values().length; i++) {
      byStatement.add(new HashMap<>());
    }
  }

  public synchronized void callStarted(String spanId, long startNanos) {
    inFlight.put(spanId, startNanos);
  }

  public synchronized void callEnded(String spanId, CallKind kind, String statement, long startNanos, long endNanos) {
    inFlight.remove(spanId);
    calls[kind.ordinal()]++;
    Map<String, CallStats> ofKind = byStatement.get(kind.ordinal());
    CallStats stats = ofKind.get(statement);
    if (stats == null) {
      if (statements >= settings.maxDistinctCalls) {
        stats = ofKind.computeIfAbsent(OTHER_CALLS, k -> new CallStats(kind, OTHER_CALLS));
      } else {
        statements++;
        stats = new CallStats(kind, statement);
        ofKind.put(statement, stats);
      }
    }
    stats.add(startNanos, endNanos);
    waits.add(kind, startNanos, endNanos, inFlight.isEmpty());
  }

  /** Folds old intervals into totals when many have gathered; called off the application threads. */
  public void compact(long nowNanos) {
    if (waits.rawSize() < WaitTime.SEAL_AT) {
      return;
    }
    long cutoff = nowNanos;
    synchronized (this) {
      for (long start : inFlight.values()) {
        cutoff = Math.min(cutoff, start);
      }
    }
    waits.seal(cutoff);
  }

  /** The job's result, for a job that ran from {@code startNanos} to {@code endNanos}. */
  public synchronized Result result(long startNanos, long endNanos) {
    long duration = Math.max(0, endNanos - startNanos);
    // Time after the job's end (calls that outlived it) is left out.
    waits.seal(endNanos);
    long[] waited = waits.sealedTotals();
    long waitedTotal = 0;
    for (long w : waited) {
      waitedTotal += w;
    }
    if (waitedTotal > duration && waitedTotal > 0) {
      for (int k = 0; k < waited.length; k++) {
        waited[k] = waited[k] * duration / waitedTotal;
      }
    }
    return new Result(waited, calls.clone(), findings(duration));
  }

  List<Finding> findings(long jobNanos) {
    List<CallStats> candidates = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    long slow = settings.slowCall.toNanos();
    List<CallStats> all = new ArrayList<>();
    byStatement.forEach(m -> all.addAll(m.values()));
    for (CallStats s : all) {
      double share = jobNanos == 0 ? 0 : (double) s.totalNanos / jobNanos;
      boolean slowOnItsOwn = s.maxNanos >= slow;
      // The repetition must cost: the slowest call is left out, so one cold call is not enough.
      // Cheap calls made too often; calls that are costly each are a slow statement instead.
      boolean repeated =
          s.count >= settings.repeatedMinCount
              && s.totalNanos - s.maxNanos >= settings.repeatedMinTotal.toNanos()
              && s.totalNanos / s.count < settings.repeatedMaxAverage.toNanos();
      String kind = null;
      // A large share of a short job is not worth a finding: it must also add up to a slow call.
      // Calls the job ran in parallel are its work done as fast as the callee allows: they are a
      // finding only when one of them is slow on its own.
      boolean dominant = share >= settings.dominantShare && s.totalNanos >= slow && !s.overlapped;
      if (slowOnItsOwn || (!repeated && dominant)) {
        kind = s.kind == CallKind.HTTP ? "slow_http" : "slow_query";
      } else if (repeated) {
        kind = "repeated_call";
      }
      if (kind != null && !s.statement.equals(OTHER_CALLS)) {
        candidates.add(s);
        kinds.add(kind);
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Long.compare(candidates.get(b).totalNanos, candidates.get(a).totalNanos));
    List<Finding> out = new ArrayList<>();
    for (int i : order.subList(0, Math.min(order.size(), settings.maxFindings))) {
      CallStats s = candidates.get(i);
      out.add(finding(kinds.get(i), s, jobNanos));
    }
    return out;
  }

  static Finding finding(String kind, CallStats s, long jobNanos) {
    long pct = jobNanos == 0 ? 0 : Math.round(100.0 * s.totalNanos / jobNanos);
    StringBuilder summary =
        new StringBuilder()
            .append(s.kind.label)
            .append(' ')
            .append(headline(s))
            .append(" ×")
            .append(s.count)
            .append(", ")
            .append(seconds(s.totalNanos));
    if (s.totalNanos <= jobNanos) {
      summary.append(" (").append(pct).append("% of job)");
    } else {
      // Calls in parallel add up to more than the job's wall time.
      summary.append(" in parallel (job ").append(seconds(jobNanos)).append(')');
    }
    if (!kind.equals("repeated_call")) {
      summary.append(", max ").append(seconds(s.maxNanos));
    }
    return new Finding(
        kind, summary.toString(), s.count, s.totalNanos / 1_000_000, s.maxNanos / 1_000_000, s.statement);
  }

  /** The first word of a statement (GET, SELECT) or the method and host of an HTTP call. */
  static String headline(CallStats s) {
    String st = s.statement.trim();
    if (s.kind == CallKind.HTTP) {
      int scheme = st.indexOf("//");
      int path = st.indexOf('/', scheme + 2);
      String method = st.substring(0, Math.max(0, st.indexOf(' ')));
      return scheme < 0 ? st : method + " " + (path > 0 ? st.substring(scheme + 2, path) : st.substring(scheme + 2));
    }
    int space = st.indexOf(' ');
    return (space > 0 ? st.substring(0, space) : st).toUpperCase(Locale.ROOT);
  }

  static String seconds(long nanos) {
    double s = nanos / 1e9;
    if (s >= 10) {
      return String.format(Locale.ROOT, "%.0f s", s);
    }
    if (s >= 0.1) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  /** The breakdown and findings of one job run. */
  public static final class Result {
    /** Nanos waited per {@link CallKind}, overlaps counted once. */
    public final long[] waitedNanos;
    public final long[] calls;
    public final List<Finding> findings;

    Result(long[] waitedNanos, long[] calls, List<Finding> findings) {
      this.waitedNanos = waitedNanos;
      this.calls = calls;
      this.findings = findings;
    }
  }
}
