package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.CpuJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under the built agent, a job whose computing goes to one library family names it in a {@code
 * cpu_hotspot} finding, with the application frame that called it; its fixed variant, and a job
 * that only waits, carry none.
 */
class CpuHotspotsIT {

  static final String JOBS =
      "dev.jobtrace.it.apps.CpuJobsApp$ExportJob[slow,fixed];"
          + "dev.jobtrace.it.apps.CpuJobsApp$ValidateJob[slow,fixed];"
          + "dev.jobtrace.it.apps.CpuJobsApp$ScoreJob[run];"
          + "dev.jobtrace.it.apps.CpuJobsApp$WaitJob[run]";

  static List<ExportedSpan> spans;

  @BeforeAll
  static void run() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of(CpuJobsApp.class, receiver)
              .set("otel.jobtrace.jobs", JOBS)
              .arg("export-slow")
              .arg("export-fixed")
              .arg("validate-slow")
              .arg("validate-fixed")
              .arg("score")
              .arg("wait")
              .run(240);
      assertThat(result.output).contains("done");
      spans = receiver.spans();
    }
  }

  static ExportedSpan job(String name) {
    return JobRunrJobSpansIT.only(
        spans.stream()
            .filter(
                s ->
                    s.attr("jobtrace.job.name") != null
                        && s.attr("jobtrace.job.name").endsWith(name))
            .collect(Collectors.toList()),
        name);
  }

  static List<Span.Event> hotspots(ExportedSpan job) {
    List<Span.Event> found =
        JobAnalysisIT.findings(job).stream()
            .filter(e -> "cpu_hotspot".equals(JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind")))
            .collect(Collectors.toList());
    System.out.println(
        job.attr("jobtrace.job.name")
            + ": "
            + found.stream()
                .map(e -> JobAnalysisIT.eventAttr(e, "jobtrace.finding.summary"))
                .collect(Collectors.toList())
            + " hot="
            + job.attr("jobtrace.profile.hot"));
    return found;
  }

  @Test
  void serializationIsNamedWithTheFrameThatCalledItAndTheFixedRunHasNone() {
    ExportedSpan slow = job("CpuJobsApp$ExportJob.slow");
    List<Span.Event> found = hotspots(slow);
    assertThat(found).isNotEmpty();
    Span.Event top = found.get(0);
    assertThat(JobAnalysisIT.eventAttr(top, "jobtrace.finding.statement"))
        .isEqualTo("Jackson (serialization)");
    assertThat(JobAnalysisIT.eventAttr(top, "jobtrace.finding.called_from"))
        .isEqualTo("CpuJobsApp$ExportJob.slow");
    assertThat(JobAnalysisIT.eventAttr(top, "jobtrace.finding.summary"))
        .matches(
            "\\d+% of the job computing in Jackson \\(serialization\\), \\d+\\.\\d s, called"
                + " from CpuJobsApp\\$ExportJob\\.slow");
    assertThat(JobAnalysisIT.eventAttr(top, "jobtrace.finding.fix")).startsWith("serialize less");
    // Searchable as the other findings are.
    assertThat(slow.attr("jobtrace.findings")).contains("cpu_hotspot");
    assertThat(hotspots(job("CpuJobsApp$ExportJob.fixed"))).isEmpty();
  }

  @Test
  void regularExpressionsCompiledPerCallAreNamedAndTheFixedRunHasNone() {
    List<Span.Event> found = hotspots(job("CpuJobsApp$ValidateJob.slow"));
    assertThat(found).isNotEmpty();
    assertThat(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.statement"))
        .isEqualTo("java.util.regex (regular expressions)");
    assertThat(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.fix"))
        .contains("static final Pattern");
    assertThat(hotspots(job("CpuJobsApp$ValidateJob.fixed"))).isEmpty();
  }

  @Test
  void theApplicationsOwnCodeIsNamedByItsHottestFrame() {
    List<Span.Event> found = hotspots(job("CpuJobsApp$ScoreJob.run"));
    assertThat(found).hasSize(1);
    assertThat(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.statement"))
        .isEqualTo("application code: CpuJobsApp$ScoreJob.run");
  }

  @Test
  void aJobThatOnlyWaitsHasNoHotspot() {
    assertThat(hotspots(job("CpuJobsApp$WaitJob.run"))).isEmpty();
  }
}
