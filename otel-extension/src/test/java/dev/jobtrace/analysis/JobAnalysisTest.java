package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobAnalysisTest {

  static final long MS = 1_000_000L;

  @Test
  void repeatedLookupBecomesTheTopFinding() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 45_000; i++) {
      job.callEnded("s" + i, CallKind.REDIS, "GET reference-data", t, t + 170_000);
      t += 200_000;
    }
    job.callEnded("q", CallKind.DB, "select * from clients where id = ?", t, t + 20 * MS);
    JobAnalysis.Result r = job.result(0, t + 1000 * MS);
    assertThat(r.calls[CallKind.REDIS.ordinal()]).isEqualTo(45_000);
    assertThat(r.waitedNanos[CallKind.REDIS.ordinal()]).isEqualTo(45_000L * 170_000);
    Finding top = r.findings.get(0);
    assertThat(top.kind()).isEqualTo("repeated_call");
    assertThat(top.count()).isEqualTo(45_000);
    assertThat(top.statement()).isEqualTo("GET reference-data");
    assertThat(top.summary()).isEqualTo("redis GET ×45000, 7.7 s (77% of job)");
    assertThat(r.findings).hasSize(1);
  }

  @Test
  void oneColdCallDoesNotMakeARepeatCostly() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 9; i++) {
      long d = i == 0 ? 45 * MS : 300_000;
      job.callEnded("b" + i, CallKind.REDIS, "GET reference-data", t, t + d);
      t += d + 10 * MS;
    }
    assertThat(job.result(0, t).findings).isEmpty();
  }

  @Test
  void slowBatchQueryIsASlowQueryNotARepeatedCall() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 90; i++) {
      job.callEnded(
          "b" + i,
          CallKind.DB,
          "select * from invoices where client_id = ? and id > ? order by id limit ?",
          t,
          t + 30_000 * MS);
      t += 30_010 * MS;
    }
    Finding f = job.result(0, t).findings.get(0);
    assertThat(f.kind()).isEqualTo("slow_query");
    assertThat(f.summary()).isEqualTo("db SELECT ×90, 2700 s (100% of job), max 30 s");
  }

  @Test
  void callsInSequenceThatDominateAreAFindingAndTheSameCallsInParallelAreNot() {
    JobAnalysis sequential = new JobAnalysis(AnalysisSettings.defaults());
    JobAnalysis parallel = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 40; i++) {
      sequential.callEnded(
          "s" + i, CallKind.HTTP, "GET http://partner/accounts/{id}", t, t + 25 * MS);
      t += 26 * MS;
    }
    assertThat(sequential.result(0, t).findings)
        .extracting(f -> f.kind())
        .containsExactly("slow_http");
    // Four in flight at a time, ten rounds: the same 40 calls of 25 ms.
    for (int round = 0; round < 10; round++) {
      for (int lane = 0; lane < 4; lane++) {
        long start = round * 26 * MS + lane * MS;
        parallel.callEnded(
            "p" + round + lane,
            CallKind.HTTP,
            "GET http://partner/accounts/{id}",
            start,
            start + 25 * MS);
      }
    }
    assertThat(parallel.result(0, 270 * MS).findings).isEmpty();
    // One of them slow on its own still is.
    parallel.callEnded(
        "slow", CallKind.HTTP, "GET http://partner/accounts/{id}", 270 * MS, 900 * MS);
    assertThat(parallel.result(0, 900 * MS).findings)
        .extracting(f -> f.kind())
        .containsExactly("slow_http");
  }

  @Test
  void findingsAreRankedByTimeAndCapped() {
    AnalysisSettings settings =
        new AnalysisSettings(
            5,
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(500),
            0.2,
            2,
            10,
            100,
            true,
            Duration.ofMillis(50),
            5,
            KeyPatterns.NONE,
            1.0,
            Duration.ofSeconds(1));
    JobAnalysis job = new JobAnalysis(settings);
    long t = 0;
    for (int kind = 1; kind <= 4; kind++) {
      for (int i = 0; i < 10; i++) {
        job.callEnded("x", CallKind.REDIS, "GET key" + kind, t, t + kind * MS);
        t += kind * MS;
      }
    }
    List<Finding> findings = job.result(0, t).findings;
    assertThat(findings).extracting(f -> f.statement()).containsExactly("GET key4", "GET key3");
  }

  /** A job of one slow query, and the queue-wait finding of a run that waited {@code waitMs}. */
  static List<Finding> slowQueryAfterWaiting(AnalysisSettings settings, long queryMs, long waitMs) {
    JobAnalysis job = new JobAnalysis(settings);
    job.callEnded("q", CallKind.DB, "select * from invoices", 0, queryMs * MS);
    Finding waited = new QueueWaits().finding("reports.monthly", waitMs, queryMs * MS, settings);
    assertThat(waited).isNotNull();
    return job.result(0, queryMs * MS, waited).findings;
  }

  @Test
  void theQueueWaitRanksWithTheCallFindingsByWhatItCost() {
    AnalysisSettings d = QueueWaitsTest.DEFAULTS;
    assertThat(slowQueryAfterWaiting(d, 800, 3000))
        .extracting(Finding::kind)
        .containsExactly("queue_wait", "slow_query");
    // Counted as waiting half its run: a wait shorter than the job's slow query ranks after it.
    Duration second = Duration.ofSeconds(1);
    assertThat(slowQueryAfterWaiting(QueueWaitsTest.thresholds(0.5, second), 3000, 2000))
        .extracting(Finding::kind)
        .containsExactly("slow_query", "queue_wait");
    AnalysisSettings one = QueueWaitsTest.settings(1, 0.5, second);
    assertThat(slowQueryAfterWaiting(one, 800, 3000))
        .extracting(Finding::kind)
        .containsExactly("queue_wait");
    assertThat(slowQueryAfterWaiting(one, 3000, 2000))
        .extracting(Finding::kind)
        .containsExactly("slow_query");
    assertThat(slowQueryAfterWaiting(QueueWaitsTest.settings(0, 1.0, second), 800, 3000)).isEmpty();
  }

  @Test
  void distinctStatementsAreCapped() {
    AnalysisSettings settings =
        new AnalysisSettings(
            5,
            Duration.ofMillis(50),
            Duration.ofMillis(5),
            Duration.ofMillis(500),
            0.2,
            5,
            10,
            100,
            true,
            Duration.ofMillis(50),
            5,
            KeyPatterns.NONE,
            1.0,
            Duration.ofSeconds(1));
    JobAnalysis job = new JobAnalysis(settings);
    for (int i = 0; i < 1_000_000; i++) {
      job.callEnded("x", CallKind.DB, "select " + i, i * 10L, i * 10L + 5);
      if (i % 10_000 == 0) {
        job.compact(i * 10L);
      }
    }
    JobAnalysis.Result r = job.result(0, 10_000_000L);
    // A million distinct statements keep 100 of their own and one "(other calls)" for the rest,
    // while every call is still counted and timed.
    assertThat(job.trackedStatements()).isEqualTo(101);
    assertThat(r.calls[CallKind.DB.ordinal()]).isEqualTo(1_000_000);
    assertThat(r.waitedNanos[CallKind.DB.ordinal()]).isEqualTo(5_000_000L);
  }

  @Test
  void aLoopOfTwoLookupsPerRecordIsOneSequenceFinding() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 1000; i++) {
      job.callEnded("g" + i, CallKind.REDIS, "GET acct:{id}", t, t + 200_000);
      job.callEnded("h" + i, CallKind.REDIS, "HGET prefs:{id} lang", t + 250_000, t + 400_000);
      t += 500_000;
    }
    List<Finding> findings = job.result(0, t).findings;
    assertThat(findings).hasSize(1);
    Finding loop = findings.get(0);
    assertThat(loop.kind()).isEqualTo("repeated_sequence");
    assertThat(loop.count()).isEqualTo(1000);
    assertThat(loop.statement()).isEqualTo("GET acct:{id} → HGET prefs:{id} lang");
    assertThat(loop.summary())
        .isEqualTo(
            "per record ×1000: redis GET acct:{id} → redis HGET prefs:{id} lang, 0.4 s (70% of job)");
    assertThat(loop.fix())
        .isEqualTo("fetch for many records at once: one MGET or a pipeline per batch of records");
  }

  @Test
  void aQueryAndAnHttpCallPerRecordAreOneLoopNotTwoFindings() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 200; i++) {
      job.callEnded("q" + i, CallKind.DB, "select id, name from accounts where id = ?", t, t + MS);
      job.callEnded(
          "h" + i, CallKind.HTTP, "GET http://partner:8082/accounts/{id}", t + MS, t + 21 * MS);
      t += 22 * MS;
    }
    List<Finding> findings = job.result(0, t).findings;
    assertThat(findings).extracting(f -> f.kind()).containsExactly("repeated_sequence");
    assertThat(findings.get(0).summary())
        .isEqualTo(
            "per record ×200: db SELECT accounts → http GET partner:8082/accounts/{id}, 4.2 s (95% of job)");
    assertThat(findings.get(0).fix()).contains("WHERE id IN").contains("bulk request");
  }

  @Test
  void aCallMadeTwicePerRecordKeepsItsOwnFindingBesideTheLoop() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 500; i++) {
      job.callEnded("a" + i, CallKind.REDIS, "GET user:{id}", t, t + 300_000);
      job.callEnded("b" + i, CallKind.REDIS, "GET user:{id}", t + 300_000, t + 600_000);
      job.callEnded(
          "c" + i, CallKind.DB, "select * from orders where user_id = ?", t + 600_000, t + 900_000);
      t += MS;
    }
    List<Finding> findings = job.result(0, t).findings;
    assertThat(findings)
        .extracting(f -> f.kind())
        .containsExactly("repeated_sequence", "repeated_call");
    assertThat(findings.get(0).statement())
        .isEqualTo("GET user:{id} ×2 → select * from orders where user_id = ?");
    assertThat(findings.get(0).count()).isEqualTo(500);
    assertThat(findings.get(1).statement()).isEqualTo("GET user:{id}");
    assertThat(findings.get(1).count()).isEqualTo(1000);
  }

  @Test
  void loopsOneAfterAnotherOrInterleavedByIndependentWorkersAreNoSequence() {
    JobAnalysis serial = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (String key : new String[] {"GET user:{id}", "GET order:{id}"}) {
      for (int i = 0; i < 1000; i++) {
        serial.callEnded("s" + i, CallKind.REDIS, key, t, t + 200_000);
        t += 250_000;
      }
    }
    assertThat(serial.result(0, t).findings)
        .extracting(f -> f.kind())
        .containsExactly("repeated_call", "repeated_call");
    // Two threads, one reading users and one orders, whose calls end in no particular order.
    JobAnalysis independent = new JobAnalysis(AnalysisSettings.defaults());
    java.util.Random order = new java.util.Random(7);
    t = 0;
    for (int i = 0; i < 2000; i++) {
      independent.callEnded(
          "i" + i,
          CallKind.REDIS,
          order.nextBoolean() ? "GET user:{id}" : "GET order:{id}",
          t,
          t + 200_000);
      t += 250_000;
    }
    assertThat(independent.result(0, t).findings)
        .extracting(f -> f.kind())
        .containsOnly("repeated_call");
  }

  @Test
  void aLoopOverBatchesIsTheFixNotAPerRecordLoop() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 40; i++) {
      job.callEnded("n" + i, CallKind.REDIS, "MGET customer:{id} (5000 keys)", t, t + 4 * MS);
      job.callEnded(
          "l" + i, CallKind.REDIS, "MGET customer-locale:{id} (5000 keys)", t + 4 * MS, t + 8 * MS);
      job.callEnded(
          "q" + i,
          CallKind.DB,
          "select * from orders where customer_id in (?)",
          t + 8 * MS,
          t + 12 * MS);
      t += 13 * MS;
    }
    assertThat(job.result(0, t).findings)
        .extracting(f -> f.kind())
        .doesNotContain("repeated_sequence");
  }

  @Test
  void httpStatementsGroupByPathTemplate() {
    assertThat(
            CallStatement.httpTemplate(
                "https://partner.example.com/v1/clients/12345/orders?page=2"))
        .isEqualTo("https://partner.example.com/v1/clients/{id}/orders");
    assertThat(
            CallStatement.httpTemplate("http://h:8080/items/3f2a9c1e-77aa-4b1e-9c1d-0a1b2c3d4e5f"))
        .isEqualTo("http://h:8080/items/{id}");
    assertThat(CallStatement.httpTemplate("http://h/status")).isEqualTo("http://h/status");
  }

  @Test
  void aSlowStatementWithoutATimeoutIsNamedWithItsSlowestWaitAndRanksBelowItsSlowQuery() {
    JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 90; i++) {
      long d = (i == 40 ? 2_100 : 300) * MS;
      job.callEnded(
          "b" + i, CallKind.DB, "select * from invoices where id > ?", t, t + d, 0L, null);
      t += d;
    }
    List<Finding> found = job.result(0, t).findings;
    assertThat(found).extracting(Finding::kind).containsExactly("slow_query", "no_timeout");
    Finding f = found.get(1);
    assertThat(f.summary())
        .isEqualTo("db SELECT invoices ×90 run without a query timeout: the slowest waited 2.1 s");
    assertThat(f.count()).isEqualTo(90);
    assertThat(f.maxMillis()).isEqualTo(2_100);
    assertThat(f.totalMillis()).isEqualTo(2_100);
    assertThat(f.fix()).contains("Statement.setQueryTimeout");
  }

  @Test
  void callsWithATimeoutOrOfUnknownTimeoutOrFastAreNotNamed() {
    for (Long timeout : new Long[] {5_000L, null}) {
      JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
      job.callEnded("q", CallKind.DB, "select pg_sleep(?)", 0, 900 * MS, timeout, null);
      assertThat(job.result(0, 1_000 * MS).findings)
          .extracting(Finding::kind)
          .containsExactly("slow_query");
    }
    JobAnalysis fast = new JobAnalysis(AnalysisSettings.defaults());
    long t = 0;
    for (int i = 0; i < 20; i++) {
      fast.callEnded("h" + i, CallKind.HTTP, "GET http://partner:8080/a", t, t + 2 * MS, 0L, 0L);
      t += 10 * MS;
    }
    assertThat(fast.result(0, t).findings).isEmpty();
  }

  @Test
  void anHttpCallWithoutARequestTimeoutSaysWhetherItsClientHasAConnectTimeout() {
    for (long connect : new long[] {0, 2_000}) {
      JobAnalysis job = new JobAnalysis(AnalysisSettings.defaults());
      long t = 0;
      for (int i = 0; i < 200; i++) {
        long d = (i % 50 == 0 ? 1_000 : 5) * MS;
        job.callEnded(
            "h" + i, CallKind.HTTP, "GET http://partner:8082/accounts/{id}", t, t + d, 0L, connect);
        t += d;
      }
      Finding f =
          job.result(0, t).findings.stream()
              .filter(x -> x.kind().equals("no_timeout"))
              .findFirst()
              .orElseThrow();
      assertThat(f.summary())
          .isEqualTo(
              "http GET partner:8082/accounts/{id} ×200 made without a request timeout"
                  + (connect == 0 ? " (its client has no connect timeout either)" : "")
                  + ": the slowest waited 1.0 s, 4 waited 0.5 s or more");
      assertThat(f.fix().contains("connectTimeout")).isEqualTo(connect == 0);
    }
  }
}
