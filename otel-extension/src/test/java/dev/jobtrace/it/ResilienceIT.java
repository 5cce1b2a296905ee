package dev.jobtrace.it;

import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.WithServers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.JobRunrWorkerApp;
import dev.jobtrace.it.apps.ProfiledJobsApp;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bad settings and failures inside jobtrace cost telemetry, never the application's work. */
class ResilienceIT extends WithServers {

  static AgentProcess worker(OtlpReceiver receiver) {
    return servers
        .configure(AgentProcess.of(JobRunrWorkerApp.class, receiver))
        .set("otel.instrumentation.methods.include", JobRunrJobSpansIT.REQUEST)
        .arg("work");
  }

  @Test
  void malformedSettingsAreNamedOnceAndTheValidJobEntriesStillApply() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver)
              .set("app.reportTask", "true")
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.ReportTask[run];not a class[;java.lang.Object[]")
              .set("otel.jobtrace.jobrunr.propagation", "sideways")
              .run(240);

      assertThat(result.output).contains("jobs finished: succeeded=1").contains("records=3");
      assertThat(result.linesContaining("otel.jobtrace.jobs")).isEqualTo(1);
      assertThat(result.output).contains("ignoring malformed entries \"not a class[\", \"java.lang.Object[]\" in otel.jobtrace.jobs");
      assertThat(result.linesContaining("otel.jobtrace.jobrunr.propagation")).isEqualTo(1);
      assertThat(result.output).contains("unknown value \"sideways\" for otel.jobtrace.jobrunr.propagation");

      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan report =
          JobRunrJobSpansIT.only(
              spans.stream().filter(s -> "method".equals(s.attr("jobtrace.job.system"))).collect(Collectors.toList()),
              "configured method job spans");
      assertThat(report.name()).isEqualTo("ReportTask.run");
      assertThat(report.attr("jobtrace.job.name")).isEqualTo("dev.jobtrace.it.apps.ReportTask.run");
      assertThat(spans.stream().filter(s -> s.traceId().equals(report.traceId()) && s != report))
          .as("the report task's redis and SQL calls under it")
          .extracting(ExportedSpan::parentSpanId)
          .hasSize(2)
          .containsOnly(report.spanId());

      // The user's own method include still applies alongside the configured job.
      ExportedSpan request = JobRunrJobSpansIT.requestSpan(spans);
      ExportedSpan job =
          JobRunrJobSpansIT.only(
              spans.stream().filter(s -> "jobrunr".equals(s.attr("jobtrace.job.system"))).collect(Collectors.toList()),
              "JobRunr job spans");
      // The unknown propagation mode fell back to the default: a link to the enqueuer.
      assertThat(job.span.getLinksList()).hasSize(1);
      assertThat(ExportedSpan.hex(job.span.getLinks(0).getSpanId().toByteArray())).isEqualTo(request.spanId());
    }
  }

  @Test
  void failuresInsideJobtraceLeaveTheJobRunningAndItsCallsTraced() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver).set("jobtrace.internal.fault", "jobrunr,processor").run(240);

      // The job did all its work.
      assertThat(result.output).contains("jobs finished: succeeded=1 failed=0").contains("records=3");
      // Each failing part said so once.
      assertThat(result.linesContaining("jobtrace: JobRunr job span skipped after an internal error")).isEqualTo(1);
      assertThat(result.linesContaining("jobtrace: job span processing skipped after an internal error")).isEqualTo(1);
      // Less telemetry, not none: no job span, but the job's calls are still exported.
      List<ExportedSpan> spans = receiver.spans();
      assertThat(spans).noneMatch(s -> s.attr("jobtrace.job.system") != null);
      assertThat(spans).anyMatch(s -> s.name().startsWith("INSERT"));
    }
  }

  @Test
  void aRecordingThatCannotBeReadStillLetsSlowSpansLeaveSayingTheirProfileIsIncomplete() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          servers
              .configure(AgentProcess.of(ProfiledJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", ProfileSnippetsIT.JOBS)
              .set("jobtrace.internal.fault", "recording")
              .arg("mixed")
              .run(180);
      assertThat(result.output).contains("done mixed");
      assertThat(result.linesContaining("jobtrace: profiling degraded after an internal error")).isEqualTo(1);
      // The app exits right after the job: the shutdown flush sends it, unread samples and all.
      ExportedSpan job = ProfileSnippetsIT.job(receiver.spans(), "MixedWorkJob.run");
      assertThat(job.attr("jobtrace.profile.incomplete")).contains("samples");
      assertThat(job.longAttr("jobtrace.time.other_ms")).isGreaterThan(1000L);
    }
  }
}
