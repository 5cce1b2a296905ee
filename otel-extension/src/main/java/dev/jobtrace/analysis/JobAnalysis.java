package dev.jobtrace.analysis;

import dev.jobtrace.contract.SpanContract;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one job run waited on: time per kind (overlaps counted once), calls per kind, and the calls
 * grouped by statement, from which the findings come. Memory stays bounded whatever the number of
 * calls: intervals are sealed into totals, statements are capped.
 */
public final class JobAnalysis {

  static final String OTHER_CALLS = "(other calls)";

  private final AnalysisSettings settings;
  private final WaitTime waits = new WaitTime();
  private final long[] calls = new long[CallKind.values().length];

  /** Per kind: statement to its calls. */
  private final List<Map<String, CallStats>> byStatement = new ArrayList<>();

  /** Every statement's calls, by {@link CallStats#id}. */
  private final List<CallStats> byId = new ArrayList<>();

  private int statements;
  private final CallSequences sequences;

  /** Start times (nanoTime) of the calls in flight, to know how far back time can be sealed. */
  private final Map<String, Long> inFlight = new HashMap<>();

  /** Where runs of this JVM meet on the same statements; null when not compared. */
  private final Contention contention;

  /** The job's name, as other runs' contention findings name it. */
  final String name;

  private boolean ended;

  public JobAnalysis(AnalysisSettings settings) {
    this(settings, null, null);
  }

  public JobAnalysis(AnalysisSettings settings, Contention contention, String name) {
    this.settings = settings;
    this.contention = contention;
    this.name = name == null ? "(job)" : name;
    this.sequences = new CallSequences(settings.maxDistinctCalls());
    for (int i = 0; i < CallKind.values().length; i++) {
      byStatement.add(new HashMap<>());
    }
  }

  public synchronized void callStarted(String spanId, long startNanos) {
    inFlight.put(spanId, startNanos);
  }

  public void callEnded(
      String spanId, CallKind kind, String statement, long startNanos, long endNanos) {
    callEnded(spanId, kind, statement, startNanos, endNanos, null, null);
  }

  /**
   * A call ended; {@code timeoutMillis} is the timeout it was made with (0: none, null: not known),
   * {@code connectTimeoutMillis} its HTTP client's connect timeout (likewise).
   */
  public synchronized void callEnded(
      String spanId,
      CallKind kind,
      String statement,
      long startNanos,
      long endNanos,
      Long timeoutMillis,
      Long connectTimeoutMillis) {
    inFlight.remove(spanId);
    calls[kind.ordinal()]++;
    Map<String, CallStats> ofKind = byStatement.get(kind.ordinal());
    CallStats stats = ofKind.get(statement);
    if (stats == null) {
      if (statements >= settings.maxDistinctCalls()) {
        stats = ofKind.computeIfAbsent(OTHER_CALLS, k -> newStats(kind, OTHER_CALLS));
      } else {
        statements++;
        stats = newStats(kind, statement);
        ofKind.put(statement, stats);
      }
    }
    stats.add(startNanos, endNanos);
    if (timeoutMillis != null && timeoutMillis == 0 && kind != CallKind.REDIS) {
      stats.untimed(
          endNanos - startNanos,
          connectTimeoutMillis != null && connectTimeoutMillis == 0,
          settings.slowCall().toNanos());
    }
    if (contention != null && !ended && stats.statement != OTHER_CALLS) {
      if (stats.use == null) {
        stats.use = contention.use(kind, statement);
      }
      if (stats.use != null
          && Contention.called(stats.use, this, startNanos, endNanos, stats.sharedWith)) {
        stats.sharedCount++;
        stats.sharedNanos += endNanos - startNanos;
      }
    }
    sequences.add(stats);
    waits.add(kind, startNanos, endNanos, inFlight.isEmpty());
  }

  /** The run's job span ended: calls other runs make from now on do not overlap it. */
  public synchronized void runEnded() {
    ended = true;
    for (CallStats s : byId) {
      if (s.use != null) {
        Contention.ended(s.use, this);
      }
    }
  }

  /** Statements tracked one by one, "(other calls)" included: at most the cap plus one per kind. */
  synchronized int trackedStatements() {
    return byId.size();
  }

  private CallStats newStats(CallKind kind, String statement) {
    CallStats stats = new CallStats(byId.size(), kind, statement);
    byId.add(stats);
    return stats;
  }

  /**
   * Folds old intervals into totals when many have gathered; called off the application threads.
   */
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
  public Result result(long startNanos, long endNanos) {
    return result(startNanos, endNanos, List.of());
  }

  /**
   * The job's result, with a finding about the run that its calls do not tell ({@code queue_wait},
   * or null), ranked with the others by what it cost.
   */
  public Result result(long startNanos, long endNanos, Finding ofTheRun) {
    return result(startNanos, endNanos, ofTheRun == null ? List.of() : List.of(ofTheRun));
  }

  /**
   * The job's result, with findings about the run that its calls do not tell ({@code queue_wait},
   * {@code cpu_hotspot}), ranked with the others by what they cost.
   */
  public synchronized Result result(long startNanos, long endNanos, List<Finding> ofTheRun) {
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
    return new Result(waited, calls.clone(), findings(duration, ofTheRun));
  }

  List<Finding> findings(long jobNanos, Finding ofTheRun) {
    return findings(jobNanos, ofTheRun == null ? List.of() : List.of(ofTheRun));
  }

  List<Finding> findings(long jobNanos, List<Finding> ofTheRun) {
    List<Candidate> candidates = new ArrayList<>();
    for (Finding f : ofTheRun) {
      candidates.add(new Candidate(f.totalMillis() * 1_000_000, f));
    }
    long slow = settings.slowCall().toNanos();
    // Calls of a per-record loop, with how many times each record makes them.
    Map<CallStats, Long> inLoop = new IdentityHashMap<>();
    for (CallSequences.Sequence loop : sequences.find(byId, settings.repeatedMinCount())) {
      long total = loop.totalNanos();
      if (total - loop.maxNanos() < settings.repeatedMinTotal().toNanos()) {
        continue;
      }
      candidates.add(new Candidate(total, sequenceFinding(loop, jobNanos)));
      for (int i = 0; i < loop.steps().size(); i++) {
        inLoop.put(loop.steps().get(i), loop.perRecord()[i]);
      }
    }
    for (CallStats s : byId) {
      Finding contended = contentionFinding(s, jobNanos);
      if (contended != null) {
        candidates.add(new Candidate(contended.totalMillis() * 1_000_000, contended));
      }
      double share = jobNanos == 0 ? 0 : (double) s.totalNanos / jobNanos;
      boolean slowOnItsOwn = s.maxNanos >= slow;
      // The repetition must cost: the slowest call is left out, so one cold call is not enough.
      // Cheap calls made too often; calls that are costly each are a slow statement instead.
      boolean repeated =
          s.count >= settings.repeatedMinCount()
              && s.totalNanos - s.maxNanos >= settings.repeatedMinTotal().toNanos()
              && s.totalNanos / s.count < settings.repeatedMaxAverage().toNanos();
      String kind = null;
      // A large share of a short job is not worth a finding: it must also add up to a slow call.
      // Calls the job ran in parallel are its work done as fast as the callee allows: they are a
      // finding only when one of them is slow on its own.
      boolean dominant = share >= settings.dominantShare() && s.totalNanos >= slow && !s.overlapped;
      // A statement slow only because other runs held it up is told by its contention finding.
      if (slowOnItsOwn || (!repeated && dominant && contended == null)) {
        kind = s.kind == CallKind.HTTP ? "slow_http" : "slow_query";
      } else if (repeated) {
        kind = "repeated_call";
      }
      // A call of a per-record loop is told by the loop's finding, unless it says more: one of
      // its calls is slow on its own, or each record makes it several times.
      Long perRecord = inLoop.get(s);
      if (perRecord != null && perRecord == 1 && !slowOnItsOwn) {
        kind = null;
      }
      // A missing timeout is worth naming where the calls are slow: on their own or together.
      Finding untimed = noTimeoutFinding(s, kind != null && !kind.equals("repeated_call"), slow);
      if (untimed != null) {
        candidates.add(new Candidate(s.untimedMaxNanos, untimed));
      }
      if (kind != null && !s.statement.equals(OTHER_CALLS)) {
        candidates.add(new Candidate(s.totalNanos, finding(kind, s, jobNanos)));
      }
    }
    candidates.sort((a, b) -> Long.compare(b.totalNanos, a.totalNanos));
    List<Finding> out = new ArrayList<>();
    for (Candidate c : candidates.subList(0, Math.min(candidates.size(), settings.maxFindings()))) {
      out.add(c.finding);
    }
    return out;
  }

  /**
   * A statement whose calls alongside other runs took several times their time alone: {@code db
   * UPDATE wallets ×400 35× slower while other runs made it (SettlementJob.balance ×2): 5.1 ms a
   * call against 0.15 ms alone, 1.9 s lost (64% of job)}; null when it is not one.
   */
  Finding contentionFinding(CallStats s, long jobNanos) {
    if (s.sharedCount == 0 || s.use == null) {
      return null;
    }
    long alone = s.use.aloneAverage();
    if (alone < 0) {
      return null; // never seen alone often enough to compare
    }
    long sharedAverage = s.sharedNanos / s.sharedCount;
    long lost = s.sharedNanos - s.sharedCount * alone;
    double slowdown = (double) sharedAverage / Math.max(alone, 1);
    if (slowdown < settings.contentionSlowdown() || lost < settings.contentionMin().toNanos()) {
      return null;
    }
    Map<String, Integer> others = new java.util.TreeMap<>();
    for (JobAnalysis other : s.sharedWith) {
      others.merge(other.name, 1, Integer::sum);
    }
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, Integer> o : others.entrySet()) {
      named.add(o.getKey() + (o.getValue() > 1 ? " ×" + o.getValue() : ""));
    }
    String summary =
        s.kind.label
            + ' '
            + brief(s)
            + " ×"
            + s.sharedCount
            + ' '
            + (slowdown >= 10
                ? String.format(Locale.ROOT, "%.0f", slowdown)
                : String.format(Locale.ROOT, "%.1f", slowdown))
            + "× slower while other runs made it ("
            + String.join(", ", named)
            + "): "
            + perCall(sharedAverage)
            + " a call against "
            + perCall(alone)
            + " alone, "
            + seconds(lost)
            + " lost"
            + share(lost, jobNanos);
    return new Finding(
        SpanContract.FINDING_KIND_CONTENTION,
        summary,
        s.sharedCount,
        lost / 1_000_000,
        s.maxNanos / 1_000_000,
        s.statement,
        "runs that make it at once wait on each other (a row or lock they share): keep such runs"
            + " apart (one at a time, or each on its own rows), or hold the lock for less (a"
            + " shorter transaction, one statement per batch)");
  }

  /**
   * Calls of a slow statement made with no timeout, or with no timeout and one of them slow on its
   * own: {@code http GET partner:8082/accounts/{id} ×200 made without a request timeout (its client
   * has no connect timeout either): the slowest waited 1.5 s, 8 waited 500 ms or more}; null when
   * there are none. What it costs, to rank it, is the slowest such call's wait.
   */
  Finding noTimeoutFinding(CallStats s, boolean slowStatement, long slowNanos) {
    if (s.untimedCount == 0
        || s.statement.equals(OTHER_CALLS)
        || !(slowStatement || s.untimedMaxNanos >= slowNanos)) {
      return null;
    }
    boolean http = s.kind == CallKind.HTTP;
    StringBuilder summary =
        new StringBuilder()
            .append(s.kind.label)
            .append(' ')
            .append(brief(s))
            .append(" ×")
            .append(s.untimedCount)
            .append(http ? " made without a request timeout" : " run without a query timeout");
    if (http && s.untimedNoConnect) {
      summary.append(" (its client has no connect timeout either)");
    }
    summary.append(": the slowest waited ").append(seconds(s.untimedMaxNanos));
    if (s.untimedSlowCount > 1) {
      summary
          .append(", ")
          .append(s.untimedSlowCount)
          .append(" waited ")
          .append(seconds(slowNanos))
          .append(" or more");
    }
    String fix =
        http
            ? "give the request a timeout (HttpRequest.Builder.timeout;"
                + " HttpURLConnection.setReadTimeout)"
                + (s.untimedNoConnect
                    ? " and the client a connect timeout (HttpClient.Builder.connectTimeout;"
                        + " HttpURLConnection.setConnectTimeout)"
                    : "")
                + ", so a stalled server fails the call instead of holding the worker"
            : "give the statement a query timeout (Statement.setQueryTimeout, or the pool's or"
                + " ORM's default), so a query that goes wrong fails instead of holding the worker";
    return new Finding(
        SpanContract.FINDING_KIND_NO_TIMEOUT,
        summary.toString(),
        s.untimedCount,
        s.untimedMaxNanos / 1_000_000,
        s.untimedMaxNanos / 1_000_000,
        s.statement,
        fix);
  }

  /** One call's time, to the precision that tells a fast call from a slow one. */
  static String perCall(long nanos) {
    double ms = nanos / 1e6;
    if (ms >= 100) {
      return seconds(nanos);
    }
    if (ms >= 10) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%.2f ms", ms);
  }

  private record Candidate(long totalNanos, Finding finding) {}

  /**
   * A loop that makes the same few calls for every record: {@code per record ×1000: redis GET
   * acct:{id} → redis HGET prefs:{id} lang, 2.3 s (46% of job)}, with the statements in full and
   * what fetches them for many records at once.
   */
  static Finding sequenceFinding(CallSequences.Sequence loop, long jobNanos) {
    long total = loop.totalNanos();
    StringBuilder summary = new StringBuilder("per record ×").append(loop.records()).append(": ");
    StringBuilder statement = new StringBuilder();
    Set<CallKind> kinds = EnumSet.noneOf(CallKind.class);
    for (int i = 0; i < loop.steps().size(); i++) {
      CallStats s = loop.steps().get(i);
      String times = loop.perRecord()[i] > 1 ? " ×" + loop.perRecord()[i] : "";
      if (i > 0) {
        summary.append(" → ");
        statement.append(" → ");
      }
      summary.append(s.kind.label).append(' ').append(brief(s)).append(times);
      statement.append(s.statement).append(times);
      kinds.add(s.kind);
    }
    summary.append(", ").append(seconds(total)).append(share(total, jobNanos));
    List<String> fixes = new ArrayList<>();
    for (CallKind kind : kinds) {
      fixes.add(BATCHED.get(kind));
    }
    String fix = "fetch for many records at once: " + String.join("; ", fixes);
    return new Finding(
        "repeated_sequence",
        summary.toString(),
        loop.records(),
        total / 1_000_000,
        loop.maxNanos() / 1_000_000,
        statement.toString(),
        fix);
  }

  /** What replaces a call made per record, by kind. */
  private static final Map<CallKind, String> BATCHED =
      Map.of(
          CallKind.REDIS, "one MGET or a pipeline per batch of records",
          CallKind.DB, "one query per batch (WHERE id IN (…) or a join)",
          CallKind.HTTP, "one bulk request per batch, or the calls in parallel");

  /**
   * A step of a loop in a few words: a Redis shape whole, SQL's verb and table, HTTP's method, host
   * and path.
   */
  static String brief(CallStats s) {
    String st = s.statement.trim();
    switch (s.kind) {
      case HTTP:
        int scheme = st.indexOf("//");
        return scheme < 0
            ? st
            : st.substring(0, Math.max(0, st.indexOf(' ') + 1)) + st.substring(scheme + 2);
      case DB:
        String verb = headline(s);
        String table = tableOf(st);
        return table == null ? verb : verb + " " + table;
      default:
        return st.length() <= 80 ? st : st.substring(0, 79) + "…";
    }
  }

  /** The table a statement reads or writes first: the word after FROM, INTO or UPDATE. */
  static String tableOf(String sql) {
    String lower = sql.toLowerCase(Locale.ROOT);
    for (String keyword : new String[] {" from ", " into ", "update "}) {
      int at = lower.indexOf(keyword);
      if (at >= 0) {
        int start = at + keyword.length();
        while (start < sql.length() && sql.charAt(start) == ' ') {
          start++;
        }
        int end = start;
        while (end < sql.length() && " ,;()\n\t".indexOf(sql.charAt(end)) < 0) {
          end++;
        }
        return end > start ? sql.substring(start, end) : null;
      }
    }
    return null;
  }

  static String share(long totalNanos, long jobNanos) {
    if (totalNanos <= jobNanos) {
      return " (" + (jobNanos == 0 ? 0 : Math.round(100.0 * totalNanos / jobNanos)) + "% of job)";
    }
    // Calls in parallel add up to more than the job's wall time.
    return " in parallel (job " + seconds(jobNanos) + ")";
  }

  static Finding finding(String kind, CallStats s, long jobNanos) {
    StringBuilder summary =
        new StringBuilder()
            .append(s.kind.label)
            .append(' ')
            .append(headline(s))
            .append(" ×")
            .append(s.count)
            .append(", ")
            .append(seconds(s.totalNanos))
            .append(share(s.totalNanos, jobNanos));
    if (!kind.equals("repeated_call")) {
      summary.append(", max ").append(seconds(s.maxNanos));
    }
    return new Finding(
        kind,
        summary.toString(),
        s.count,
        s.totalNanos / 1_000_000,
        s.maxNanos / 1_000_000,
        s.statement);
  }

  /** The first word of a statement (GET, SELECT) or the method and host of an HTTP call. */
  static String headline(CallStats s) {
    String st = s.statement.trim();
    if (s.kind == CallKind.HTTP) {
      int scheme = st.indexOf("//");
      int path = st.indexOf('/', scheme + 2);
      String method = st.substring(0, Math.max(0, st.indexOf(' ')));
      return scheme < 0
          ? st
          : method + " " + (path > 0 ? st.substring(scheme + 2, path) : st.substring(scheme + 2));
    }
    int space = st.indexOf(' ');
    return (space > 0 ? st.substring(0, space) : st).toUpperCase(Locale.ROOT);
  }

  public static String seconds(long nanos) {
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
