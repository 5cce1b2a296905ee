package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.ContentionJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under the built agent, against a real PostgreSQL: settlement runs that update the same balance
 * rows at once name the statement, the runs they met and the slowdown against the run alone in a
 * {@code contention} finding; the ledger variant, three at once as well, carries none.
 */
class ContentionIT extends WithServers {

  static final String JOBS = "dev.jobtrace.it.apps.ContentionJobsApp$SettlementJob[balance,ledger]";
  static final String UPDATE = "update wallets set balance = balance + ? where id = ?";

  static List<ExportedSpan> spans;

  @BeforeAll
  static void run() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          servers
              .configure(AgentProcess.of(ContentionJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", JOBS)
              .arg("balance")
              .arg("ledger")
              .run(300);
      assertThat(result.output).contains("done balance,ledger");
      spans = receiver.spans();
    }
  }

  /** The four runs of a variant, in the order they started. */
  static List<ExportedSpan> runs(String method) {
    List<ExportedSpan> runs =
        spans.stream()
            .filter(s -> "method".equals(s.attr("jobtrace.job.system")))
            .filter(s -> s.span.getName().endsWith("SettlementJob." + method))
            .sorted(Comparator.comparingLong(s -> s.span.getStartTimeUnixNano()))
            .collect(Collectors.toList());
    assertThat(runs).as(method).hasSize(4);
    return runs;
  }

  static List<Span.Event> contention(ExportedSpan job) {
    return JobAnalysisIT.findingsOfKind(job, "contention");
  }

  @Test
  void runsUpdatingTheSameRowsAtOnceNameTheStatementTheOtherRunsAndTheSlowdown() {
    List<ExportedSpan> runs = runs("balance");
    assertThat(contention(runs.get(0))).as("the run alone").isEmpty();
    for (ExportedSpan run : runs.subList(1, 4)) {
      List<Span.Event> found = contention(run);
      assertThat(found).as(run.span.getName()).hasSize(1);
      Span.Event f = found.get(0);
      assertThat(JobAnalysisIT.eventAttr(f, "jobtrace.finding.statement")).isEqualTo(UPDATE);
      String summary = JobAnalysisIT.eventAttr(f, "jobtrace.finding.summary");
      Matcher m =
          Pattern.compile(
                  "^db UPDATE wallets ×(\\d+) ([0-9.]+)× slower while other runs made it"
                      + " \\(SettlementJob\\.balance( ×2)?\\): .* a call"
                      + " against .* alone, .* lost \\(\\d+% of job\\)$")
              .matcher(summary);
      assertThat(m.find()).as(summary).isTrue();
      // Those of its 400 calls made after another run's first call of it ended (the runs behind
      // the first one's locks register when their first call returns): how many depends on how
      // the runs' starts overlap on a busy machine (151 in one run, over 200 in others), so no more
      // is asked.
      assertThat(Integer.parseInt(m.group(1))).isPositive().isLessThanOrEqualTo(400);
      assertThat(Double.parseDouble(m.group(2))).isGreaterThanOrEqualTo(3.0);
      // What it lost is in the span's own time.
      long lost = Long.parseLong(JobAnalysisIT.eventAttr(f, "jobtrace.finding.total_ms"));
      assertThat(lost).isGreaterThanOrEqualTo(500).isLessThanOrEqualTo(run.durationMillis());
      // Searchable as the other findings are.
      assertThat(run.attr("jobtrace.findings")).contains("contention");
    }
  }

  @Test
  void theLedgerVariantThreeAtOnceCarriesNoContention() {
    for (ExportedSpan run : runs("ledger")) {
      assertThat(contention(run)).as(run.span.getName()).isEmpty();
    }
  }
}
