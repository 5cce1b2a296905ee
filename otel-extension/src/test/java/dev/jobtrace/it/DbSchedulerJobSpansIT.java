package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.DbSchedulerApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** db-scheduler tasks as job traces, with no setting, and none of its polling as traces. */
class DbSchedulerJobSpansIT extends WithServers {

  static OtlpReceiver receiver;
  static List<ExportedSpan> spans;

  @BeforeAll
  static void runWorker() throws Exception {
    receiver = new OtlpReceiver();
    AgentProcess.Result result =
        servers.configure(AgentProcess.of(DbSchedulerApp.class, receiver)).run(240);
    assertThat(result.output).contains("tasks finished");
    result.assertLoadedSwappedJar("db-scheduler");
    spans = receiver.spans();
  }

  @AfterAll
  static void close() {
    if (receiver != null) {
      receiver.close();
    }
  }

  static List<ExportedSpan> jobSpans(String task) {
    return spans.stream()
        .filter(s -> task.equals(s.attr("jobtrace.job.name")))
        .collect(Collectors.toList());
  }

  static List<ExportedSpan> trace(ExportedSpan job) {
    return spans.stream()
        .filter(s -> s.traceId().equals(job.traceId()))
        .collect(Collectors.toList());
  }

  @Test
  void aOneTimeTaskIsOneJobTraceHoldingItsCalls() {
    ExportedSpan job =
        JobRunrJobSpansIT.only(jobSpans("customer-import"), "customer-import's job span");
    assertThat(job.name()).isEqualTo("customer-import");
    assertThat(job.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
    assertThat(job.parentSpanId()).isEmpty();
    assertThat(job.attr("jobtrace.job.system")).isEqualTo("db-scheduler");
    assertThat(job.attr("jobtrace.job.id")).isEqualTo("batch-1");
    assertThat(job.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
    assertThat(job.attr("jobtrace.job.outcome")).isEqualTo("success");
    assertThat(job.longAttr("jobtrace.job.queue_latency_ms")).isNotNull();
    // Its 500 GETs are under it (folded into composites of their shape) and counted on it.
    assertThat(job.longAttr("jobtrace.calls.redis")).isEqualTo(500L);
    List<ExportedSpan> trace = trace(job);
    long gets =
        trace.stream()
            .mapToLong(
                s ->
                    s.longAttr("jobtrace.composite.count") != null
                        ? s.longAttr("jobtrace.composite.count")
                        : s.name().equals("GET") ? 1 : 0)
            .sum();
    assertThat(gets).isEqualTo(500L);
    assertThat(trace)
        .allSatisfy(
            s ->
                assertThat(s == job || s.parentSpanId().equals(job.spanId()))
                    .as(s.toString())
                    .isTrue());
    // Nothing of db-scheduler's own bookkeeping inside: only the task's GETs.
    assertThat(job.longAttr("jobtrace.calls.db")).isEqualTo(0L);
  }

  @Test
  void aRecurringTaskIsAJobTracePerExecution() {
    List<ExportedSpan> runs = jobSpans("cache-refresh");
    assertThat(runs.size()).isGreaterThanOrEqualTo(2);
    assertThat(runs.stream().map(ExportedSpan::traceId).distinct()).hasSameSizeAs(runs);
    assertThat(runs)
        .allSatisfy(
            run -> {
              assertThat(run.attr("jobtrace.job.outcome")).isEqualTo("success");
              assertThat(run.longAttr("jobtrace.calls.redis")).isEqualTo(1L);
            });
  }

  @Test
  void aFailingTaskIsOneFailedJobSpanPerAttemptNumberedFromOne() {
    List<ExportedSpan> attempts = jobSpans("partner-sync");
    attempts.sort(Comparator.comparing(s -> s.longAttr("jobtrace.job.attempt")));
    assertThat(attempts).extracting(s -> s.longAttr("jobtrace.job.attempt")).startsWith(1L, 2L, 3L);
    assertThat(attempts)
        .allSatisfy(
            a -> {
              assertThat(a.isError()).isTrue();
              assertThat(a.attr("jobtrace.job.outcome")).isEqualTo("failure");
              assertThat(a.attr("jobtrace.job.id")).isEqualTo("acme");
              assertThat(a.span.getEventsList())
                  .anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
            });
    // A retry waits out its delay (100 ms) after the failure before it is due again.
    assertThat(attempts.get(1).longAttr("jobtrace.job.queue_latency_ms")).isNotNull();
  }

  @Test
  void theSchedulersPollingHeartbeatsAndCompletionsLeaveNoTraces() {
    // Root spans other than job spans: only what the application's main thread did itself
    // (creating the tables, seeding Redis, scheduling the two tasks, which reads and inserts their
    // rows), none of db-scheduler's polls, picks, heartbeats and completions on its own threads.
    List<ExportedSpan> otherRoots =
        spans.stream()
            .filter(s -> s.parentSpanId().isEmpty() && s.attr("jobtrace.job.system") == null)
            .collect(Collectors.toList());
    List<ExportedSpan> sql =
        otherRoots.stream()
            .filter(s -> s.scope.equals("io.opentelemetry.jdbc"))
            .collect(Collectors.toList());
    assertThat(sql)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.attr("thread.name")).as(s.toString()).isEqualTo("main"));
    // Redis outside jobs is the seeding's SETs; every GET of the tasks is inside a job trace.
    assertThat(otherRoots).noneSatisfy(s -> assertThat(s.name()).isEqualTo("GET"));
    // Scheduling a task reads its row and inserts it: the two calls of the application, and no
    // more; none of the scheduler's own selects, updates and deletes.
    assertThat(
            sql.stream()
                .filter(s -> s.name().contains("scheduled_tasks") && !s.name().startsWith("CREATE"))
                .map(s -> s.name().split(" ")[0]))
        .containsExactlyInAnyOrder("SELECT", "INSERT", "SELECT", "INSERT");
  }
}
