package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.JobRunrWorkerApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobRunrJobSpansIT extends WithServers {

  static final String REQUEST = "dev.jobtrace.it.apps.Requests[handleEnqueueRequest]";

  /** One run of the "work" scenario with default settings, shared by the tests that read it. */
  static OtlpReceiver workRun;

  @BeforeAll
  static void runWorkScenario() throws Exception {
    workRun = new OtlpReceiver();
    AgentProcess.Result result = worker(workRun, "work").run(240);
    assertThat(result.output).contains("jobs finished: succeeded=1");
    result.assertLoadedSwappedJar("jobrunr");
  }

  @AfterAll
  static void closeWorkRun() {
    if (workRun != null) {
      workRun.close();
    }
  }

  static AgentProcess worker(OtlpReceiver receiver, String scenario) {
    return servers
        .configure(AgentProcess.of(JobRunrWorkerApp.class, receiver))
        .set("otel.instrumentation.methods.include", REQUEST)
        .arg(scenario);
  }

  static ExportedSpan only(List<ExportedSpan> spans, String description) {
    assertThat(spans).as(description).hasSize(1);
    return spans.get(0);
  }

  static List<ExportedSpan> jobSpans(List<ExportedSpan> spans) {
    return spans.stream()
        .filter(s -> s.attr("jobtrace.job.system") != null)
        .collect(Collectors.toList());
  }

  static ExportedSpan requestSpan(List<ExportedSpan> spans) {
    return only(
        spans.stream()
            .filter(s -> s.name().equals("Requests.handleEnqueueRequest"))
            .collect(Collectors.toList()),
        "the enqueuing request span");
  }

  /** True when {@code span} descends from {@code ancestor} through exported spans. */
  static boolean descendsFrom(ExportedSpan span, ExportedSpan ancestor, List<ExportedSpan> all) {
    Map<String, ExportedSpan> byId =
        all.stream()
            .collect(Collectors.toMap(ExportedSpan::spanId, Function.identity(), (a, b) -> a));
    ExportedSpan current = span;
    for (int depth = 0; depth < 50 && current != null; depth++) {
      if (current.parentSpanId().equals(ancestor.spanId())) {
        return true;
      }
      current = byId.get(current.parentSpanId());
    }
    return false;
  }

  @Test
  void jobExecutionIsOneSpanWithItsJobAttributesLinkedToTheEnqueuer() throws Exception {
    {
      List<ExportedSpan> spans = workRun.spans();

      ExportedSpan job = only(jobSpans(spans), "job spans");
      ExportedSpan request = requestSpan(spans);
      assertThat(job.name()).isEqualTo("SampleJobs.syncRecords");
      assertThat(job.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
      assertThat(job.attr("jobtrace.job.system")).isEqualTo("jobrunr");
      assertThat(job.attr("jobtrace.job.name"))
          .isEqualTo("dev.jobtrace.it.apps.SampleJobs.syncRecords");
      assertThat(job.attr("jobtrace.job.id"))
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      assertThat(job.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
      // Enqueued during the request, so it waited no longer than from the request's start to its
      // own.
      long requestStartToJobStartMs =
          (job.span.getStartTimeUnixNano() - request.span.getStartTimeUnixNano()) / 1_000_000;
      assertThat(job.longAttr("jobtrace.job.queue_latency_ms"))
          .isNotNull()
          .isBetween(0L, requestStartToJobStartMs + 1);
      assertThat(job.attr("jobtrace.job.outcome")).isEqualTo("success");
      assertThat(job.isError()).isFalse();

      // By default a job run is its own trace, linked to the request that enqueued it.
      assertThat(job.parentSpanId()).isEmpty();
      assertThat(job.traceId()).isNotEqualTo(request.traceId());
      assertThat(job.span.getLinksList()).hasSize(1);
      assertThat(ExportedSpan.hex(job.span.getLinks(0).getTraceId().toByteArray()))
          .isEqualTo(request.traceId());
      assertThat(ExportedSpan.hex(job.span.getLinks(0).getSpanId().toByteArray()))
          .isEqualTo(request.spanId());
    }
  }

  @Test
  void everythingTheJobDoesIsUnderItsSpanIncludingPoolThreads() throws Exception {
    {
      List<ExportedSpan> spans = workRun.spans();
      ExportedSpan job = only(jobSpans(spans), "job spans");
      List<ExportedSpan> inJob =
          spans.stream().filter(s -> descendsFrom(s, job, spans)).collect(Collectors.toList());

      List<ExportedSpan> redis =
          inJob.stream()
              .filter(
                  s ->
                      "redis".equals(s.attr("db.system"))
                          || "redis".equals(s.attr("db.system.name")))
              .collect(Collectors.toList());
      List<ExportedSpan> sql =
          inJob.stream()
              .filter(
                  s ->
                      "postgresql".equals(s.attr("db.system"))
                          || "postgresql".equals(s.attr("db.system.name")))
              .collect(Collectors.toList());
      List<ExportedSpan> http =
          inJob.stream()
              .filter(s -> s.kind() == SpanKind.SPAN_KIND_CLIENT && s.scope.contains("http-client"))
              .collect(Collectors.toList());

      // SET + 3 GETs on the job thread, 1 GET in the pool.
      assertThat(redis).as("redis spans under the job: %s", spans).hasSize(5);
      // 3 inserts on the job thread, 1 count in the pool.
      assertThat(sql.stream().filter(s -> s.name().startsWith("INSERT"))).hasSize(3);
      assertThat(sql.stream().filter(s -> s.name().startsWith("SELECT"))).hasSize(1);
      assertThat(http).as("http client spans under the job: %s", spans).hasSize(2);

      // Lettuce spans start on its event loop thread, so the pool's GET shows only in the count:
      // had its context been lost it would be a trace of its own and the count 4.
      assertThat(sql.stream().filter(s -> threadOf(s).startsWith("job-pool-"))).hasSize(1);
      assertThat(http.stream().filter(s -> threadOf(s).startsWith("job-pool-")))
          .as("the partner call made from a CompletableFuture")
          .hasSize(1);
      // Nothing the job did escaped into another trace.
      assertThat(spans.stream().filter(s -> s.traceId().equals(job.traceId())))
          .hasSize(inJob.size() + 1);
    }
  }

  @Test
  void jobRunrBookkeepingLeavesNoTracesOfItsOwn() {
    List<ExportedSpan> spans = workRun.spans();
    ExportedSpan job = only(jobSpans(spans), "job spans");
    // The worker polled its storage every 5 s while it ran; none of that is exported.
    assertThat(spans)
        .filteredOn(s -> !s.traceId().equals(job.traceId()))
        .extracting(JobRunrJobSpansIT::threadOf)
        .noneMatch(t -> t.startsWith("backgroundjob-") || t.startsWith("jobrunr-"));
    // The job's own calls, made on JobRunr's worker thread, are.
    assertThat(spans)
        .filteredOn(s -> s.traceId().equals(job.traceId()))
        .extracting(JobRunrJobSpansIT::threadOf)
        .anyMatch(t -> t.startsWith("backgroundjob-worker"));
  }

  @Test
  void jobDurationAndQueueLatencyAreRecordedByJobNameAndOutcome() {
    Map<String, Metric> byName =
        workRun.metrics().stream()
            .collect(Collectors.toMap(Metric::getName, Function.identity(), (a, b) -> b));
    for (String name : List.of("jobtrace.job.duration", "jobtrace.job.queue_latency")) {
      Metric metric = byName.get(name);
      assertThat(metric).as(name + " among %s", byName.keySet()).isNotNull();
      assertThat(metric.getUnit()).isEqualTo("s");
      HistogramDataPoint point = only(metric.getHistogram().getDataPointsList());
      assertThat(point.getCount()).isEqualTo(1);
      Map<String, String> attributes =
          point.getAttributesList().stream()
              .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
      assertThat(attributes)
          .containsEntry("jobtrace.job.name", "dev.jobtrace.it.apps.SampleJobs.syncRecords")
          .containsEntry("jobtrace.job.system", "jobrunr")
          .containsEntry("jobtrace.job.outcome", "success");
    }
    ExportedSpan job = only(jobSpans(workRun.spans()), "job spans");
    double seconds =
        only(byName.get("jobtrace.job.duration").getHistogram().getDataPointsList()).getSum();
    assertThat(seconds * 1000)
        .isCloseTo(job.durationMillis(), org.assertj.core.data.Offset.offset(2.0));
  }

  static <T> T only(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  @Test
  void retriesAreSeparateSpansNumberedByAttemptAndFailuresCarryTheirException() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result = worker(receiver, "retry").run(240);
      assertThat(result.output).contains("jobs finished: succeeded=1");
      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan request = requestSpan(spans);
      List<ExportedSpan> runs =
          jobSpans(spans).stream()
              .sorted(java.util.Comparator.comparing(s -> s.longAttr("jobtrace.job.attempt")))
              .collect(Collectors.toList());
      assertThat(runs)
          .extracting(s -> s.longAttr("jobtrace.job.attempt"))
          .containsExactly(1L, 2L, 3L);
      assertThat(runs)
          .extracting(s -> s.attr("jobtrace.job.id"))
          .containsOnly(runs.get(0).attr("jobtrace.job.id"));
      assertThat(runs)
          .extracting(s -> s.attr("jobtrace.job.outcome"))
          .containsExactly("failure", "failure", "success");
      assertThat(runs).extracting(ExportedSpan::isError).containsExactly(true, true, false);
      // Failed attempts are marked to keep under sampling; the retry that succeeded for its
      // finding.
      assertThat(runs.get(0).attr("jobtrace.keep").split(",")).contains("failed");
      assertThat(runs.get(2).attr("jobtrace.keep").split(","))
          .contains("finding")
          .doesNotContain("failed");
      for (ExportedSpan failed : runs.subList(0, 2)) {
        var exception =
            failed.span.getEventsList().stream()
                .filter(e -> e.getName().equals("exception"))
                .findFirst();
        assertThat(exception).as("exception event").isPresent();
        assertThat(
                ExportedSpan.value(exception.get().getAttributesList(), "exception.type")
                    .getStringValue())
            .isEqualTo("java.lang.IllegalStateException");
        assertThat(
                ExportedSpan.value(exception.get().getAttributesList(), "exception.message")
                    .getStringValue())
            .endsWith("fails on purpose");
      }
      // A retry says what the attempts before it failed with, from JobRunr's own history.
      assertThat(JobAnalysisIT.findings(runs.get(0)))
          .extracting(e -> JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind"))
          .doesNotContain("retry");
      for (int i = 1; i < 3; i++) {
        ExportedSpan retry = runs.get(i);
        List<String> failures =
            ExportedSpan.value(retry.span.getAttributesList(), "jobtrace.job.previous_failures")
                .getArrayValue()
                .getValuesList()
                .stream()
                .map(v -> v.getStringValue())
                .collect(Collectors.toList());
        assertThat(failures).hasSize(i);
        assertThat(failures)
            .allSatisfy(
                f ->
                    assertThat(f)
                        .startsWith("java.lang.IllegalStateException: ")
                        .endsWith("fails on purpose"));
        assertThat(retry.longAttr("jobtrace.job.previous_attempts_ms")).isGreaterThanOrEqualTo(0L);
        assertThat(retry.longAttr("jobtrace.job.retrying_for_ms"))
            .isGreaterThanOrEqualTo(retry.longAttr("jobtrace.job.previous_attempts_ms"));
        var finding =
            JobAnalysisIT.findings(retry).stream()
                .filter(e -> "retry".equals(JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind")))
                .findFirst();
        assertThat(finding).as("retry finding on attempt " + (i + 1)).isPresent();
        System.out.println(
            "retry attempt "
                + (i + 1)
                + ": "
                + JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.summary"));
        assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.summary"))
            .startsWith(
                "attempt "
                    + (i + 1)
                    + ": the "
                    + (i == 1 ? "one before failed, with " : "2 before failed, both with ")
                    + "IllegalStateException: ")
            .contains("; retrying for ");
        assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.count"))
            .isEqualTo(String.valueOf(i));
        assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.statement"))
            .isEqualTo(failures.get(failures.size() - 1));
        assertThat(retry.attr("jobtrace.finding.retry")).isEqualTo("true");
        assertThat(retry.attr("jobtrace.findings")).contains("retry");
      }
      // Every attempt links back to the one request that enqueued the job.
      for (ExportedSpan run : runs) {
        assertThat(run.span.getLinksList()).hasSize(1);
        assertThat(ExportedSpan.hex(run.span.getLinks(0).getSpanId().toByteArray()))
            .isEqualTo(request.spanId());
      }
      assertThat(runs).extracting(ExportedSpan::traceId).doesNotHaveDuplicates();
    }
  }

  @Test
  void aJobStoredLargeSaysHowLargeAndHowLongReadingItTookAndASmallOneDoesNot() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result = worker(receiver, "payload").run(240);
      assertThat(result.output).contains("jobs finished: succeeded=2");
      List<ExportedSpan> runs =
          jobSpans(receiver.spans()).stream()
              .sorted(
                  java.util.Comparator.comparing(s -> -s.longAttr("jobtrace.job.payload_bytes")))
              .collect(Collectors.toList());
      assertThat(runs).hasSize(2);
      ExportedSpan large = runs.get(0);
      ExportedSpan small = runs.get(1);
      // 8,000 rows of about 50 characters, as JobRunr's JSON.
      assertThat(large.longAttr("jobtrace.job.payload_bytes")).isBetween(400_000L, 1_000_000L);
      assertThat(large.longAttr("jobtrace.job.payload_read_ms")).isGreaterThanOrEqualTo(0L);
      assertThat(small.longAttr("jobtrace.job.payload_bytes")).isBetween(500L, 20_000L);
      var finding =
          JobAnalysisIT.findings(large).stream()
              .filter(
                  e -> "large_payload".equals(JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind")))
              .findFirst();
      assertThat(finding).as("large_payload finding").isPresent();
      System.out.println(
          "large payload: " + JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.summary"));
      assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.summary"))
          .matches(
              "job stored as \\d+ KiB \\(JobRunr's JSON, arguments and all\\), written whole on"
                  + " every state change; reading it back for this run took \\d+ ms");
      assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.statement"))
          .isEqualTo(large.attr("jobtrace.job.name"));
      assertThat(JobAnalysisIT.eventAttr(finding.get(), "jobtrace.finding.fix"))
          .startsWith("pass an id");
      assertThat(JobAnalysisIT.findings(small))
          .extracting(e -> JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind"))
          .doesNotContain("large_payload");
    }
  }

  @Test
  void childPropagationPutsTheJobInTheEnqueuingTrace() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      worker(receiver, "work").set("otel.jobtrace.jobrunr.propagation", "child").run(240);
      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan request = requestSpan(spans);
      ExportedSpan job = only(jobSpans(spans), "job spans");
      assertThat(job.traceId()).isEqualTo(request.traceId());
      assertThat(job.parentSpanId()).isEqualTo(request.spanId());
      assertThat(job.span.getLinksList()).isEmpty();
    }
  }

  @Test
  void nonePropagationStartsAFreshTraceWithoutLink() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      worker(receiver, "work").env("OTEL_JOBTRACE_JOBRUNR_PROPAGATION", "none").run(240);
      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan request = requestSpan(spans);
      ExportedSpan job = only(jobSpans(spans), "job spans");
      assertThat(job.traceId()).isNotEqualTo(request.traceId());
      assertThat(job.parentSpanId()).isEmpty();
      assertThat(job.span.getLinksList()).isEmpty();
    }
  }

  @Test
  void extensionJarWorksOnTheUpstreamAgent() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      worker(receiver, "work")
          .agentJar(System.getProperty("jobtrace.upstream.agent.jar"))
          .set("otel.javaagent.extensions", System.getProperty("jobtrace.extension.jar"))
          .run(240);
      ExportedSpan job = only(jobSpans(receiver.spans()), "job spans");
      assertThat(job.attr("jobtrace.job.name"))
          .isEqualTo("dev.jobtrace.it.apps.SampleJobs.syncRecords");
      assertThat(job.span.getLinksList()).hasSize(1);
    }
  }

  static String threadOf(ExportedSpan span) {
    String name = span.attr("thread.name");
    return name == null ? "" : name;
  }
}
