package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.JobRunrWorkerApp;
import dev.jobtrace.it.apps.ProfiledJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
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
              .set(
                  "otel.jobtrace.jobs",
                  "dev.jobtrace.it.apps.ReportTask[run];not a class[;java.lang.Object[]")
              .set("otel.jobtrace.jobrunr.propagation", "sideways")
              .run(240);

      assertThat(result.output).contains("jobs finished: succeeded=1").contains("records=3");
      assertThat(result.linesContaining("otel.jobtrace.jobs")).isEqualTo(1);
      assertThat(result.output)
          .contains(
              "ignoring malformed entries \"not a class[\", \"java.lang.Object[]\" in otel.jobtrace.jobs");
      assertThat(result.linesContaining("otel.jobtrace.jobrunr.propagation")).isEqualTo(1);
      assertThat(result.output)
          .contains("unknown value \"sideways\" for otel.jobtrace.jobrunr.propagation");

      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan report =
          JobRunrJobSpansIT.only(
              spans.stream()
                  .filter(s -> "method".equals(s.attr("jobtrace.job.system")))
                  .collect(Collectors.toList()),
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
              spans.stream()
                  .filter(s -> "jobrunr".equals(s.attr("jobtrace.job.system")))
                  .collect(Collectors.toList()),
              "JobRunr job spans");
      // The unknown propagation mode fell back to the default: a link to the enqueuer.
      assertThat(job.span.getLinksList()).hasSize(1);
      assertThat(ExportedSpan.hex(job.span.getLinks(0).getSpanId().toByteArray()))
          .isEqualTo(request.spanId());
    }
  }

  @Test
  void failuresInsideJobtraceLeaveTheJobRunningAndItsCallsTraced() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver).set("jobtrace.internal.fault", "jobrunr,processor").run(240);

      // The job did all its work.
      assertThat(result.output)
          .contains("jobs finished: succeeded=1 failed=0")
          .contains("records=3");
      // Each failing part said so once.
      assertThat(
              result.linesContaining("jobtrace: JobRunr job span skipped after an internal error"))
          .isEqualTo(1);
      assertThat(
              result.linesContaining(
                  "jobtrace: job span processing skipped after an internal error"))
          .isEqualTo(1);
      // Less telemetry, not none: no job span, but the job's calls are still exported.
      List<ExportedSpan> spans = receiver.spans();
      assertThat(spans).noneMatch(s -> s.attr("jobtrace.job.system") != null);
      assertThat(spans).anyMatch(s -> s.name().startsWith("INSERT"));
    }
  }

  @Test
  void aRecordingThatCannotBeReadStillLetsSlowSpansLeaveSayingTheirProfileIsIncomplete()
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          servers
              .configure(AgentProcess.of(ProfiledJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", ProfileSnippetsIT.JOBS)
              .set("jobtrace.internal.fault", "recording")
              .arg("mixed")
              .run(180);
      assertThat(result.output).contains("done mixed");
      assertThat(result.linesContaining("jobtrace: profiling degraded after an internal error"))
          .isEqualTo(1);
      // The app exits right after the job: the shutdown flush sends it, unread samples and all.
      ExportedSpan job = ProfileSnippetsIT.job(receiver.spans(), "MixedWorkJob.run");
      assertThat(job.attr("jobtrace.profile.incomplete")).contains("samples");
      assertThat(job.longAttr("jobtrace.time.other_ms")).isGreaterThan(1000L);
    }
  }

  @Test
  void spansTheExportGateCannotHoldLeaveAsTheyEndedAndTheirJobsDoNotStayInFlight()
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver)
              .set("app.reportTask", "true")
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.ReportTask[run]")
              .set("otel.jobtrace.analysis.max-jobs", "1")
              .set("jobtrace.internal.fault", "export-gate")
              .run(240);

      assertTheJobFinishedAndTheFaultWasLoggedOnce(result, "export-gate");
      // The report task ran before the JobRunr job, and with max-jobs=1 the JobRunr job still got a
      // place: a job span the gate could not hold does not stay counted as a run in flight.
      assertThat(result.linesContaining("job runs in flight"))
          .as("\"job runs in flight\" lines")
          .isZero();

      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan report = onlyJobSpan(spans, "method");
      assertThat(report.attr("jobtrace.job.name")).isEqualTo("dev.jobtrace.it.apps.ReportTask.run");
      assertThat(report.longAttr("jobtrace.calls.redis")).isNull();
      ExportedSpan job = onlyJobSpan(spans, "jobrunr");
      assertExportedAsItEnded(job);
      assertTheJobsCallsAreEachExportedUnder(job, spans);
    }
  }

  @Test
  void heldJobSpansTheCollectorCannotAnnotateLeaveOnceAsTheyEnded() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver)
              // A first job run seconds before the JobRunr job: the collector fails on it long
              // before shutdown, and must go on to release the JobRunr job's span too.
              .set("app.reportTask", "true")
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.ReportTask[run]")
              .set("jobtrace.internal.fault", "collector-release")
              .run(240);

      assertTheJobFinishedAndTheFaultWasLoggedOnce(result, "collector-release");

      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan report = onlyJobSpan(spans, "method");
      assertThat(report.attr("jobtrace.job.name")).isEqualTo("dev.jobtrace.it.apps.ReportTask.run");
      assertThat(report.longAttr("jobtrace.calls.redis")).isNull();
      assertThat(spans.stream().filter(s -> s.traceId().equals(report.traceId()) && s != report))
          .as("the report task's redis and SQL calls under it")
          .extracting(ExportedSpan::parentSpanId)
          .hasSize(2)
          .containsOnly(report.spanId());
      ExportedSpan job = onlyJobSpan(spans, "jobrunr");
      assertExportedAsItEnded(job);
      assertTheJobsCallsAreEachExportedUnder(job, spans);
    }
  }

  @Test
  void aQueueWaitFindingThatCannotBeMadeCostsThatFindingAloneNotTheBreakdown() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver)
              // Thresholds low enough that the run's queue_wait finding is what the fault costs.
              .set("otel.jobtrace.analysis.queue-wait.min-ratio", "0")
              .set("otel.jobtrace.analysis.queue-wait.min", "1ms")
              .set("jobtrace.internal.fault", "queue-wait")
              .run(240);

      assertTheJobFinishedAndThisWasLoggedOnce(
          result,
          "jobtrace: queue-wait findings skipped after an internal error:"
              + " java.lang.IllegalStateException: jobtrace fault injected at queue-wait");
      ExportedSpan job = onlyJobSpan(receiver.spans(), "jobrunr");
      assertThat(job.longAttr("jobtrace.job.queue_latency_ms")).isNotNull();
      assertThat(job.attr("jobtrace.finding.queue_wait")).isNull();
      assertTheBreakdownCountsEveryCall(job);
    }
  }

  @Test
  void contextChangesTheTrackerCannotFollowCostTheProfileButNotTheTraceOrTheBreakdown()
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          worker(receiver)
              // Every span of the job is slow enough for a profile, so each must say why it has
              // none.
              .set("otel.jobtrace.profile.threshold", "1ms")
              .set("jobtrace.internal.fault", "activation")
              .run(240);

      assertTheJobFinishedAndTheFaultWasLoggedOnce(result, "activation");

      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan job = onlyJobSpan(spans, "jobrunr");
      assertThat(job.attr("jobtrace.job.outcome")).isEqualTo("success");
      // The breakdown follows span starts and ends, not context changes: it is all there.
      assertTheBreakdownCountsEveryCall(job);
      // No thread was followed into the job, so no sample is the job's.
      assertThat(job.attr("jobtrace.profile.error")).startsWith("too few samples: 0 ");
      assertThat(job.attr("jobtrace.profile.id")).isNull();
      // The agent's own context propagation went on: the pool's calls are under the job.
      assertTheJobsCallsAreEachExportedUnder(job, spans);
    }
  }

  /** The sample job's calls, each counted on its job span. */
  private static void assertTheBreakdownCountsEveryCall(ExportedSpan job) {
    assertThat(job.longAttr("jobtrace.calls.redis")).isEqualTo(5L);
    assertThat(job.longAttr("jobtrace.calls.db")).isEqualTo(4L);
    assertThat(job.longAttr("jobtrace.calls.http")).isEqualTo(2L);
  }

  /** The job did all its work, and jobtrace said once, in one line, what failed inside it. */
  static void assertTheJobFinishedAndTheFaultWasLoggedOnce(
      AgentProcess.Result result, String point) {
    assertTheJobFinishedAndThisWasLoggedOnce(
        result, DEGRADED + "jobtrace fault injected at " + point);
  }

  static void assertTheJobFinishedAndThisWasLoggedOnce(AgentProcess.Result result, String line) {
    assertThat(result.output).contains("jobs finished: succeeded=1 failed=0").contains("records=3");
    assertThat(result.linesContaining(line)).isEqualTo(1);
    assertThat(result.linesContaining("after an internal error"))
        .as("jobtrace's failure lines")
        .isEqualTo(1);
  }

  private static final String DEGRADED =
      "jobtrace: profiling degraded after an internal error: java.lang.IllegalStateException: ";

  private static ExportedSpan onlyJobSpan(List<ExportedSpan> spans, String system) {
    return JobRunrJobSpansIT.only(
        spans.stream()
            .filter(s -> system.equals(s.attr("jobtrace.job.system")))
            .collect(Collectors.toList()),
        system + " job spans");
  }

  /** The job span as the job framework ended it, without what jobtrace adds once it is held. */
  private static void assertExportedAsItEnded(ExportedSpan job) {
    assertThat(job.attr("jobtrace.job.name"))
        .isEqualTo("dev.jobtrace.it.apps.SampleJobs.syncRecords");
    assertThat(job.attr("jobtrace.job.outcome")).isEqualTo("success");
    assertThat(job.longAttr("jobtrace.time.other_ms")).isNull();
    assertThat(job.longAttr("jobtrace.time.db_ms")).isNull();
    assertThat(job.longAttr("jobtrace.calls.redis")).isNull();
    assertThat(job.longAttr("jobtrace.calls.db")).isNull();
    assertThat(job.attr("jobtrace.profile.id")).isNull();
    assertThat(job.attr("jobtrace.profile.error")).isNull();
  }

  /**
   * What the "work" job did on its thread and in the pool: every call, once, under the job span.
   */
  private static void assertTheJobsCallsAreEachExportedUnder(
      ExportedSpan job, List<ExportedSpan> spans) {
    List<ExportedSpan> inJob =
        spans.stream()
            .filter(s -> JobRunrJobSpansIT.descendsFrom(s, job, spans))
            .collect(Collectors.toList());
    List<ExportedSpan> sql =
        inJob.stream().filter(s -> system(s, "postgresql")).collect(Collectors.toList());
    assertThat(inJob.stream().filter(s -> system(s, "redis")))
        .as("redis calls under the job: %s", spans)
        .hasSize(5);
    assertThat(sql.stream().filter(s -> s.name().startsWith("INSERT")))
        .as("inserts under the job")
        .hasSize(3);
    assertThat(sql.stream().filter(s -> s.name().startsWith("SELECT")))
        .as("the pool's count under the job")
        .hasSize(1);
    assertThat(
            inJob.stream()
                .filter(
                    s -> s.kind() == SpanKind.SPAN_KIND_CLIENT && s.scope.contains("http-client")))
        .as("partner calls under the job")
        .hasSize(2);
    assertThat(inJob).extracting(ExportedSpan::spanId).doesNotHaveDuplicates();
    assertThat(inJob).noneMatch(s -> s.longAttr("jobtrace.composite.count") != null);
  }

  private static boolean system(ExportedSpan span, String dbSystem) {
    return dbSystem.equals(span.attr("db.system")) || dbSystem.equals(span.attr("db.system.name"));
  }
}
