package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContentionTest {

  static final long MS = 1_000_000L;
  static final long US = 1_000L;
  static final String UPDATE = "update wallets set balance = balance + ? where id = ?";

  final Contention contention = new Contention();

  JobAnalysis run(String name) {
    return new JobAnalysis(AnalysisSettings.defaults(), contention, name);
  }

  /** {@code calls} calls of {@code nanos} each, one after the other from {@code t}; the end. */
  static long calls(JobAnalysis job, String statement, int calls, long t, long nanos) {
    for (int i = 0; i < calls; i++) {
      job.callEnded("c" + i, CallKind.DB, statement, t, t + nanos);
      t += nanos + 10 * US;
    }
    return t;
  }

  /** Two runs making the statement at once, each call taking {@code nanos}; the first run's end. */
  static long together(JobAnalysis a, JobAnalysis b, int calls, long t, long nanos) {
    for (int i = 0; i < calls; i++) {
      a.callEnded("a" + i, CallKind.DB, UPDATE, t, t + nanos);
      b.callEnded("b" + i, CallKind.DB, UPDATE, t + nanos / 2, t + nanos / 2 + nanos);
      t += nanos + 10 * US;
    }
    return t;
  }

  @Test
  void aStatementSlowWhileAnotherRunMakesItIsContentionNamingTheOtherRun() {
    JobAnalysis alone = run("SettlementJob.balance");
    long t = calls(alone, UPDATE, 400, 0, 150 * US);
    alone.runEnded();
    assertThat(alone.result(0, t).findings).extracting(Finding::kind).doesNotContain("contention");

    JobAnalysis a = run("SettlementJob.balance");
    JobAnalysis b = run("SettlementJob.balance");
    long start = t;
    long end = together(a, b, 400, start, 5 * MS);
    List<Finding> findings = a.result(start, end).findings;
    assertThat(findings).hasSize(1);
    Finding f = findings.get(0);
    assertThat(f.kind()).isEqualTo("contention");
    assertThat(f.statement()).isEqualTo(UPDATE);
    // The first of its 400 calls started before the other run had made the statement: it counts
    // as alone, into the baseline beside the first run's 400.
    assertThat(f.count()).isEqualTo(399);
    long baseline = (400 * 150 * US + 5 * MS) / 401;
    assertThat(f.totalMillis()).isEqualTo(399 * (5 * MS - baseline) / MS);
    assertThat(f.summary())
        .isEqualTo(
            "db UPDATE wallets ×399 31× slower while other runs made it"
                + " (SettlementJob.balance): 5.0 ms a call against 0.16 ms alone,"
                + " 1.9 s lost (96% of job)");
    assertThat(f.fix()).contains("one at a time");
  }

  @Test
  void theSameStatementAsFastTogetherAsAloneIsNotContention() {
    JobAnalysis alone = run("SettlementJob.balance");
    long t = calls(alone, UPDATE, 400, 0, 2 * MS);
    alone.runEnded();
    JobAnalysis a = run("SettlementJob.balance");
    JobAnalysis b = run("SettlementJob.balance");
    long end = together(a, b, 400, t, 2 * MS);
    assertThat(a.result(t, end).findings).extracting(Finding::kind).doesNotContain("contention");
  }

  @Test
  void withoutCallsAloneToCompareWithNothingIsClaimed() {
    JobAnalysis a = run("SettlementJob.balance");
    JobAnalysis b = run("SettlementJob.balance");
    long end = together(a, b, 400, 0, 5 * MS);
    // The first call ran alone, the baseline needs more: the slow statement is told as such.
    assertThat(a.result(0, end).findings).extracting(Finding::kind).containsExactly("slow_query");
  }

  @Test
  void aRunThatHasEndedOverlapsNoOne() {
    JobAnalysis first = run("SettlementJob.balance");
    long t = calls(first, UPDATE, 400, 0, 150 * US);
    first.runEnded();
    // Slow calls right after the first run ended are the second run's own, alone.
    JobAnalysis second = run("SettlementJob.balance");
    long end = calls(second, UPDATE, 400, t, 5 * MS);
    assertThat(second.result(t, end).findings)
        .extracting(Finding::kind)
        .doesNotContain("contention");
  }

  @Test
  void otherJobsMakingTheSameStatementAreNamedWithHowManyRuns() {
    JobAnalysis alone = run("SettlementJob.balance");
    long t = calls(alone, UPDATE, 100, 0, 100 * US);
    alone.runEnded();
    JobAnalysis a = run("SettlementJob.balance");
    JobAnalysis b = run("SettlementJob.balance");
    JobAnalysis c = run("RefundJob.run");
    JobAnalysis d = run("RefundJob.run");
    long start = t;
    for (int i = 0; i < 200; i++) {
      for (JobAnalysis r : List.of(a, b, c, d)) {
        r.callEnded("x" + i, CallKind.DB, UPDATE, t, t + 8 * MS);
      }
      t += 8 * MS;
    }
    Finding f = a.result(start, t).findings.get(0);
    assertThat(f.kind()).isEqualTo("contention");
    assertThat(f.summary())
        .contains("while other runs made it (RefundJob.run ×2, SettlementJob.balance): 8.0 ms");
  }

  @Test
  void statementsFollowedAcrossRunsAreCapped() {
    int perRun = AnalysisSettings.defaults().maxDistinctCalls();
    int i = 0;
    while (i < Contention.MAX_STATEMENTS + perRun) {
      JobAnalysis job = run("ManyStatements.run");
      for (int n = 0; n < perRun; n++, i++) {
        job.callEnded("s" + i, CallKind.REDIS, "GET key" + i, i, i + 1);
      }
      job.runEnded();
    }
    assertThat(contention.statements()).isEqualTo(Contention.MAX_STATEMENTS);
  }

  @Test
  void perCallTimesKeepTheirPrecision() {
    assertThat(JobAnalysis.perCall(80 * US)).isEqualTo("0.08 ms");
    assertThat(JobAnalysis.perCall(5_100 * US)).isEqualTo("5.1 ms");
    assertThat(JobAnalysis.perCall(42 * MS)).isEqualTo("42 ms");
    assertThat(JobAnalysis.perCall(1500 * MS)).isEqualTo("1.5 s");
  }
}
