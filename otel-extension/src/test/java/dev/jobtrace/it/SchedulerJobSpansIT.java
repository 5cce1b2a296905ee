package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.SchedulersApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The upstream agent's Quartz and Spring scheduling spans become job spans. */
class SchedulerJobSpansIT extends WithServers {

  static final String VERSION = "2.4.1-test";

  static OtlpReceiver receiver;

  @BeforeAll
  static void run() throws Exception {
    receiver = new OtlpReceiver();
    AgentProcess.Result result =
        servers
            .configure(AgentProcess.of(SchedulersApp.class, receiver))
            .set("otel.resource.attributes", "service.version=" + VERSION)
            // The late trigger waits 3 s; the default minimum is above the polling frameworks'.
            .set("otel.jobtrace.analysis.queue-wait.min", "1s")
            .run(180);
    assertThat(result.output).contains("schedulers finished");
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  static ExportedSpan jobSpan(String system) {
    return JobRunrJobSpansIT.only(
        receiver.spans().stream()
            .filter(s -> system.equals(s.attr("jobtrace.job.system")))
            .collect(Collectors.toList()),
        system + " job spans");
  }

  static ExportedSpan jobSpan(String system, String name) {
    return JobRunrJobSpansIT.only(
        receiver.spans().stream()
            .filter(
                s ->
                    system.equals(s.attr("jobtrace.job.system"))
                        && name.equals(s.attr("jobtrace.job.name")))
            .collect(Collectors.toList()),
        system + " job spans named " + name);
  }

  static List<ExportedSpan> childrenOf(ExportedSpan parent) {
    return receiver.spans().stream()
        .filter(s -> s.parentSpanId().equals(parent.spanId()))
        .collect(Collectors.toList());
  }

  @Test
  void quartzJobSpanCarriesTheJobAttributesAndItsCalls() {
    ExportedSpan job = jobSpan("quartz", "maintenance.nightly-cleanup");
    assertThat(job.name()).isEqualTo("maintenance.nightly-cleanup");
    assertThat(job.attr("jobtrace.job.name")).isEqualTo("maintenance.nightly-cleanup");
    assertThat(job.attr("jobtrace.job.id")).isNotBlank();
    assertThat(job.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
    // Its trigger was due before the scheduler started: the wait from then to its start.
    assertThat(job.longAttr("jobtrace.job.queue_latency_ms"))
        .isNotNull()
        .isBetween(SchedulersApp.LATE_BY_MILLIS, SchedulersApp.LATE_BY_MILLIS + 60_000);
    assertThat(childrenOf(job))
        .extracting(ExportedSpan::name)
        .anyMatch(n -> n.equals("GET"))
        .anyMatch(n -> n.startsWith("SELECT"));
  }

  static List<String> findingKinds(ExportedSpan job) {
    return JobAnalysisIT.findings(job).stream()
        .map(e -> JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind"))
        .collect(Collectors.toList());
  }

  @Test
  void aQuartzRunThatFiredLateAndRanBrieflyCarriesAQueueWaitFinding() {
    ExportedSpan job = jobSpan("quartz", "maintenance.nightly-cleanup");
    long waited = job.longAttr("jobtrace.job.queue_latency_ms");
    // Due three seconds before the scheduler started, it ran one GET and one count.
    assertThat(job.durationMillis()).as("the run itself").isLessThan(waited);
    List<Span.Event> waits =
        JobAnalysisIT.findings(job).stream()
            .filter(e -> "queue_wait".equals(JobAnalysisIT.eventAttr(e, "jobtrace.finding.kind")))
            .collect(Collectors.toList());
    assertThat(waits).as("queue_wait findings of %s", findingKinds(job)).hasSize(1);
    Span.Event finding = waits.get(0);
    String summary = JobAnalysisIT.eventAttr(finding, "jobtrace.finding.summary");
    System.out.println("nightly-cleanup queue_wait: " + summary);
    assertThat(summary)
        .startsWith("waited ")
        .contains(" in the queue before it ran: ")
        .contains("× its ")
        // The only run of this job in the JVM: nothing to compare with.
        .endsWith(" run; no earlier runs of this job to compare with");
    assertThat(JobAnalysisIT.eventAttr(finding, "jobtrace.finding.count")).isEqualTo("1");
    assertThat(JobAnalysisIT.eventAttr(finding, "jobtrace.finding.total_ms"))
        .isEqualTo(Long.toString(waited));
    assertThat(JobAnalysisIT.eventAttr(finding, "jobtrace.finding.max_ms"))
        .isEqualTo(Long.toString(waited));
    assertThat(JobAnalysisIT.eventAttr(finding, "jobtrace.finding.statement"))
        .isEqualTo("maintenance.nightly-cleanup");
    assertThat(JobAnalysisIT.eventAttr(finding, "jobtrace.finding.fix")).contains("more workers");
    assertThat(job.attr("jobtrace.finding.queue_wait")).isEqualTo("true");
    assertThat(job.attr("jobtrace.findings").split(",")).contains("queue_wait");
    // Fast and succeeded, it is marked to keep for what was found.
    assertThat(job.attr("jobtrace.keep")).isEqualTo("finding");
    // Its calls took milliseconds: the wait is the most costly finding.
    assertThat(job.attr("jobtrace.finding.top")).isEqualTo("queue_wait: " + summary);
  }

  @Test
  void aQuartzRunThatFiredOnTimeCarriesNoQueueWaitFinding() {
    ExportedSpan job = jobSpan("quartz", "finance.ledger-export");
    long waitedNanos = job.longAttr("jobtrace.job.queue_latency_ms") * 1_000_000;
    // Fired within the scheduler's idle wait, it waits under a second: no finding. Only a stall of
    // the machine of more than a second and more than the run could make it one, and then it must.
    boolean waitedMoreThanItRan =
        waitedNanos >= 1_000_000_000L && waitedNanos >= job.durationNanos();
    assertThat(findingKinds(job).contains("queue_wait"))
        .as(
            "queue_wait on a run that waited %d ms and ran %d ms",
            waitedNanos / 1_000_000, job.durationMillis())
        .isEqualTo(waitedMoreThanItRan);
    assertThat(job.attr("jobtrace.finding.queue_wait") != null).isEqualTo(waitedMoreThanItRan);
  }

  @Test
  void quartzJobBeanSubclassGetsTheSameRunAttributes() {
    ExportedSpan job = jobSpan("quartz", "finance.ledger-export");
    assertThat(job.attr("jobtrace.job.id")).isNotBlank();
    assertThat(job.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
    // Due half a second after scheduling, fired within the scheduler's one-second idle wait.
    assertThat(job.longAttr("jobtrace.job.queue_latency_ms")).isNotNull().isBetween(0L, 30_000L);
    assertThat(childrenOf(job)).extracting(ExportedSpan::name).contains("GET");
  }

  @Test
  void springScheduledSpanIsAJobSpanNamedAfterItsMethod() {
    ExportedSpan job = jobSpan("spring");
    assertThat(job.attr("jobtrace.job.name"))
        .isEqualTo("dev.jobtrace.it.apps.SchedulersApp$InventoryRefresher.refreshInventory");
    assertThat(childrenOf(job)).extracting(ExportedSpan::name).contains("GET");
    assertThat(childrenOf(job)).anyMatch(s -> s.scope.contains("http-client"));
  }

  @Test
  void durationMetricCoversEverySchedulerJob() {
    List<String> jobNames =
        receiver.metrics().stream()
            .filter(m -> m.getName().equals("jobtrace.job.duration"))
            .flatMap(m -> m.getHistogram().getDataPointsList().stream())
            .flatMap(p -> p.getAttributesList().stream())
            .filter(kv -> kv.getKey().equals("jobtrace.job.system"))
            .map(kv -> kv.getValue().getStringValue())
            .distinct()
            .collect(Collectors.toList());
    assertThat(jobNames).contains("quartz", "spring");
  }

  @Test
  void quartzsJdbcJobStoreLeavesNoTracesOfItsPollingAndCheckIns() {
    // Acquiring and firing triggers, recording completions, the cluster check-ins every 500 ms:
    // none of it is a trace. What the application did on its main thread (the schema, scheduling
    // its two jobs) is.
    List<ExportedSpan> store =
        receiver.spans().stream()
            .filter(
                s ->
                    s.scope.equals("io.opentelemetry.jdbc")
                        && s.name().toLowerCase().contains("qrtz_"))
            .collect(Collectors.toList());
    assertThat(store)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.attr("thread.name")).as(s.toString()).isEqualTo("main"));
    assertThat(store)
        .filteredOn(s -> !s.name().startsWith("CREATE") && !s.name().startsWith("DROP"))
        .noneSatisfy(s -> assertThat(s.name().toLowerCase()).contains("qrtz_scheduler_state"));
    assertThat(
            receiver.metrics().stream()
                .filter(m -> m.getName().equals("jobtrace.bookkeeping.untraced"))
                .flatMap(m -> m.getSum().getDataPointsList().stream())
                .filter(
                    p ->
                        p.getAttributesList().stream()
                            .anyMatch(kv -> kv.getValue().getStringValue().equals("quartz")))
                .mapToLong(p -> p.getAsInt())
                .sum())
        .isGreaterThan(2L);
  }

  @Test
  void eachJobsDurationPointsCarryTheServiceVersionAndExemplarsOfItsTraces() {
    // A slow bucket must lead to a trace of that job: the exemplars' trace and span ids are those
    // of job spans of the same job name, and the deploy's version splits the series. Exemplars
    // go out with the first export after the run (later exports of the cumulative point have
    // none), so every job name has some.
    List<io.opentelemetry.proto.metrics.v1.HistogramDataPoint> points =
        receiver.metrics().stream()
            .filter(m -> m.getName().equals("jobtrace.job.duration"))
            .flatMap(m -> m.getHistogram().getDataPointsList().stream())
            .collect(Collectors.toList());
    assertThat(points).isNotEmpty();
    java.util.Set<String> names = new java.util.TreeSet<>();
    java.util.Set<String> withExemplars = new java.util.TreeSet<>();
    for (var point : points) {
      java.util.Map<String, String> attributes =
          point.getAttributesList().stream()
              .collect(
                  Collectors.toMap(
                      kv -> kv.getKey(), kv -> kv.getValue().getStringValue(), (a, b) -> a));
      assertThat(attributes).containsEntry("service.version", VERSION);
      String name = attributes.get("jobtrace.job.name");
      names.add(name);
      for (var exemplar : point.getExemplarsList()) {
        withExemplars.add(name);
        String traceId = java.util.HexFormat.of().formatHex(exemplar.getTraceId().toByteArray());
        String spanId = java.util.HexFormat.of().formatHex(exemplar.getSpanId().toByteArray());
        assertThat(receiver.spans())
            .as("the exemplar's span %s-%s of %s", traceId, spanId, attributes)
            .anyMatch(
                s ->
                    s.traceId().equals(traceId)
                        && s.spanId().equals(spanId)
                        && name.equals(s.attr("jobtrace.job.name")));
      }
    }
    assertThat(withExemplars).isEqualTo(names);
  }
}
