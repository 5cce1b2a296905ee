package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Snippets;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a Spring Batch user gets with the agent flag and no setting, whichever Spring Batch major
 * runs the jobs: each module that runs a Spring Batch release extends this with its own worker (the
 * same jobs, written against that release's API). The worker, against real PostgreSQL (the JDBC job
 * repository) and Redis, runs:
 *
 * <ul>
 *   <li>{@code import-customers}: a chunk step {@code import} of 600 items, chunks of 100 (a Redis
 *       GET per item, every 50th item filtered out, a JDBC batch insert per chunk), then a tasklet
 *       step {@code report} (one count query); parameters {@code run} and {@code source};
 *   <li>{@code slow-chunk}: 500 items, chunks of 100, one item of the third chunk takes 800 ms;
 *   <li>{@code settle}: fails at item 42 on its first execution; restarted with the same
 *       parameters, it completes;
 *   <li>{@code parallel-import}: a multi-threaded chunk step (two worker threads), 400 items;
 *   <li>{@code partitioned-import}: a manager step of three partitions of 100 items each, run by a
 *       task executor.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SpringBatchJobSpansContract extends WithServers {

  protected OtlpReceiver receiver;
  protected List<ExportedSpan> spans;

  /** The worker's main class, built against the Spring Batch release under test. */
  protected abstract Class<?> worker();

  @BeforeAll
  void runWorker() throws Exception {
    receiver = new OtlpReceiver();
    AgentProcess.Result result = servers.configure(AgentProcess.of(worker(), receiver)).run(240);
    assertThat(result.output).contains("batch jobs finished");
    result.assertLoadedSwappedJar("spring-batch");
    spans = receiver.spans();
  }

  @AfterAll
  void closeReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  protected List<ExportedSpan> jobRuns(String job) {
    return spans.stream()
        .filter(
            s ->
                job.equals(s.attr("jobtrace.job.name"))
                    && "spring-batch".equals(s.attr("jobtrace.job.system")))
        .sorted(Comparator.comparing(ExportedSpan::traceId))
        .collect(Collectors.toList());
  }

  protected ExportedSpan jobRun(String job) {
    return JobRunrJobSpansIT.only(jobRuns(job), job + "'s job span");
  }

  protected List<ExportedSpan> childrenOf(ExportedSpan parent) {
    return spans.stream()
        .filter(s -> s.parentSpanId().equals(parent.spanId()))
        .collect(Collectors.toList());
  }

  protected ExportedSpan step(ExportedSpan parent, String name) {
    return JobRunrJobSpansIT.only(
        childrenOf(parent).stream()
            .filter(s -> name.equals(s.attr("jobtrace.step.name")))
            .collect(Collectors.toList()),
        "step " + name + " under " + parent.name());
  }

  /**
   * Calls of one command or SQL verb under {@code parent}, a composite ("redis GET ×500") counted
   * by the calls it folds.
   */
  protected long calls(ExportedSpan parent, String command) {
    return childrenOf(parent).stream()
        .mapToLong(
            s -> {
              String[] words = s.name().split(" ");
              Long folded = s.longAttr("jobtrace.composite.count");
              if (folded != null) {
                return words.length > 1 && words[1].equals(command) ? folded : 0;
              }
              return words[0].equals(command) ? 1 : 0;
            })
        .sum();
  }

  @Test
  void aJobExecutionIsOneJobTraceWithItsStepsAndTheirCounts() {
    ExportedSpan job = jobRun("import-customers");
    assertThat(job.name()).isEqualTo("import-customers");
    assertThat(job.kind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
    assertThat(job.parentSpanId()).isEmpty();
    assertThat(job.attr("jobtrace.job.id")).isNotBlank();
    assertThat(job.attr("jobtrace.job.instance_id")).isNotBlank();
    assertThat(job.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
    assertThat(job.attr("jobtrace.job.status")).isEqualTo("COMPLETED");
    assertThat(job.attr("jobtrace.job.exit_code")).isEqualTo("COMPLETED");
    assertThat(job.attr("jobtrace.job.outcome")).isEqualTo("success");
    assertThat(job.longAttr("jobtrace.job.queue_latency_ms")).isNotNull();
    // The names of the parameters, never their values unless a setting asks.
    assertThat(job.attrList("jobtrace.job.parameters")).containsExactly("run", "source");
    assertThat(job.span.getAttributesList())
        .noneSatisfy(kv -> assertThat(kv.getKey()).startsWith("jobtrace.job.parameter."));
    assertThat(job.span.getAttributesList())
        .noneSatisfy(kv -> assertThat(kv.getValue().getStringValue()).contains("crm-export"));

    ExportedSpan importStep = step(job, "import");
    ExportedSpan report = step(job, "report");
    assertThat(importStep.name()).isEqualTo("import");
    assertThat(importStep.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
    assertThat(importStep.longAttr("jobtrace.step.read_count")).isEqualTo(600L);
    assertThat(importStep.longAttr("jobtrace.step.filter_count")).isEqualTo(12L);
    assertThat(importStep.longAttr("jobtrace.step.write_count")).isEqualTo(588L);
    assertThat(importStep.longAttr("jobtrace.step.skip_count")).isEqualTo(0L);
    assertThat(importStep.longAttr("jobtrace.step.rollback_count")).isEqualTo(0L);
    assertThat(importStep.longAttr("jobtrace.step.commit_count")).isBetween(6L, 7L);
    assertThat(importStep.attr("jobtrace.step.status")).isEqualTo("COMPLETED");
    // The step's time split by phase, over every chunk (6 of 100 items; an empty last read may
    // count).
    assertThat(importStep.longAttr("jobtrace.step.chunks")).isBetween(6L, 7L);
    assertThat(importStep.longAttr("jobtrace.step.read_ms")).isNotNull();
    assertThat(importStep.longAttr("jobtrace.step.process_ms")).isNotNull();
    assertThat(importStep.longAttr("jobtrace.step.write_ms")).isNotNull();
    assertThat(
            importStep.longAttr("jobtrace.step.read_ms")
                + importStep.longAttr("jobtrace.step.process_ms")
                + importStep.longAttr("jobtrace.step.write_ms"))
        .isLessThanOrEqualTo(importStep.durationMillis());
    assertThat(report.longAttr("jobtrace.step.chunks")).isNull();
    assertThat(report.attr("jobtrace.step.status")).isEqualTo("COMPLETED");
    assertThat(report.span.getStartTimeUnixNano())
        .isGreaterThanOrEqualTo(importStep.span.getEndTimeUnixNano());
  }

  @Test
  void eachItemsCallsAreUnderTheStepThatRanThem() {
    ExportedSpan job = jobRun("import-customers");
    ExportedSpan importStep = step(job, "import");
    ExportedSpan report = step(job, "report");
    assertThat(calls(importStep, "GET")).isEqualTo(600L);
    assertThat(calls(importStep, "INSERT"))
        .isBetween(6L, 588L); // one batch per chunk, or its statements
    assertThat(calls(report, "SELECT")).isEqualTo(1L);
    assertThat(calls(job, "GET")).isZero();
    assertThat(job.longAttr("jobtrace.calls.redis")).isEqualTo(600L);
    // No root span of the jobs' own calls: every GET of every job is in a job trace.
    assertThat(spans)
        .filteredOn(s -> s.parentSpanId().isEmpty())
        .noneSatisfy(s -> assertThat(s.name()).isEqualTo("GET"));
  }

  @Test
  void theJobRepositorysReadsAndWritesAreCountedApartAndLeaveNoSpans() {
    ExportedSpan job = jobRun("import-customers");
    // Creating the execution, its step executions, updating them at every chunk commit.
    assertThat(job.longAttr("jobtrace.job.bookkeeping_calls")).isGreaterThan(10L);
    // Not one span of the repository's SQL (BATCH_ tables), inside the job or outside, except the
    // schema the worker created itself.
    assertThat(spans)
        .filteredOn(
            s ->
                s.name().toLowerCase().contains("batch_")
                    || String.valueOf(s.attr("db.statement")).toLowerCase().contains("batch_")
                    || String.valueOf(s.attr("db.query.text")).toLowerCase().contains("batch_"))
        .allSatisfy(
            s -> {
              assertThat(s.name()).startsWith("CREATE");
              assertThat(s.attr("thread.name")).isEqualTo("main");
            });
    assertThat(jobRuns("import-customers").get(0).longAttr("jobtrace.calls.db"))
        .isLessThanOrEqualTo(588L + 1);
  }

  @Test
  void aSlowChunkKeepsASpanOfItsOwnAndTheOthersFoldIntoTheStep() {
    ExportedSpan job = jobRun("slow-chunk");
    ExportedSpan load = step(job, "load");
    assertThat(load.longAttr("jobtrace.step.chunks")).isBetween(5L, 6L);
    assertThat(load.longAttr("jobtrace.step.chunks_kept")).isEqualTo(1L);
    assertThat(load.longAttr("jobtrace.step.slowest_chunk_ms")).isGreaterThanOrEqualTo(800L);
    ExportedSpan chunk =
        JobRunrJobSpansIT.only(
            childrenOf(load).stream()
                .filter(s -> s.name().equals("chunk"))
                .collect(Collectors.toList()),
            "the slow chunk");
    assertThat(chunk.longAttr("jobtrace.chunk.number")).isEqualTo(3L);
    assertThat(chunk.longAttr("jobtrace.chunk.read_count")).isEqualTo(100L);
    assertThat(chunk.longAttr("jobtrace.chunk.process_ms")).isGreaterThanOrEqualTo(800L);
    assertThat(chunk.durationMillis()).isGreaterThanOrEqualTo(800L);
    assertThat(chunk.span.getStartTimeUnixNano())
        .isBetween(load.span.getStartTimeUnixNano(), load.span.getEndTimeUnixNano());
    assertThat(chunk.span.getEndTimeUnixNano()).isLessThanOrEqualTo(load.span.getEndTimeUnixNano());
    // The slow step's profile was sampled on the thread that worked for it, in the slow item.
    Map<String, Long> stacks = Snippets.folded(load);
    assertThat(stacks.keySet())
        .anySatisfy(stack -> assertThat(stack).contains("slowItem").contains("Thread.sleep"));
    assertThat(calls(load, "GET")).isEqualTo(500L);
  }

  @Test
  void aFailedJobNamesItsFailureAndItsRestartIsTheSecondAttemptOfTheSameInstance() {
    List<ExportedSpan> runs = jobRuns("settle");
    assertThat(runs).hasSize(2);
    runs.sort(Comparator.comparing(s -> s.longAttr("jobtrace.job.attempt")));
    ExportedSpan failed = runs.get(0);
    ExportedSpan restarted = runs.get(1);
    assertThat(failed.longAttr("jobtrace.job.attempt")).isEqualTo(1L);
    assertThat(failed.isError()).isTrue();
    assertThat(failed.attr("jobtrace.job.status")).isEqualTo("FAILED");
    assertThat(failed.attr("jobtrace.job.outcome")).isEqualTo("failure");
    assertThat(failed.span.getEventsList())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("exception");
              assertThat(
                      ExportedSpan.value(e.getAttributesList(), "exception.message")
                          .getStringValue())
                  .contains("ledger rejected item 42");
            });
    ExportedSpan failedStep = step(failed, "post");
    assertThat(failedStep.isError()).isTrue();
    assertThat(failedStep.attr("jobtrace.step.status")).isEqualTo("FAILED");
    assertThat(failedStep.longAttr("jobtrace.step.rollback_count")).isGreaterThanOrEqualTo(1L);
    ExportedSpan failedChunk =
        JobRunrJobSpansIT.only(
            childrenOf(failedStep).stream()
                .filter(s -> s.name().equals("chunk"))
                .collect(Collectors.toList()),
            "the failed chunk");
    assertThat(failedChunk.isError()).isTrue();

    assertThat(restarted.longAttr("jobtrace.job.attempt")).isEqualTo(2L);
    assertThat(restarted.attr("jobtrace.job.instance_id"))
        .isEqualTo(failed.attr("jobtrace.job.instance_id"));
    assertThat(restarted.attr("jobtrace.job.id")).isNotEqualTo(failed.attr("jobtrace.job.id"));
    assertThat(restarted.attr("jobtrace.job.outcome")).isEqualTo("success");
    assertThat(restarted.isError()).isFalse();
    assertThat(restarted.traceId()).isNotEqualTo(failed.traceId());
  }

  @Test
  void aMultiThreadedStepsCallsAllLandUnderTheStep() {
    ExportedSpan job = jobRun("parallel-import");
    ExportedSpan step = step(job, "parallel");
    assertThat(step.longAttr("jobtrace.step.read_count")).isEqualTo(400L);
    assertThat(step.longAttr("jobtrace.step.write_count")).isEqualTo(400L);
    assertThat(calls(step, "GET")).isEqualTo(400L);
    assertThat(job.longAttr("jobtrace.calls.redis")).isEqualTo(400L);
  }

  @Test
  void eachPartitionIsAStepUnderItsManagerStepWithItsOwnCalls() {
    ExportedSpan job = jobRun("partitioned-import");
    ExportedSpan manager = step(job, "partitioned");
    List<ExportedSpan> partitions =
        childrenOf(manager).stream()
            .filter(s -> s.attr("jobtrace.step.name") != null)
            .sorted(Comparator.comparing(s -> s.attr("jobtrace.step.name")))
            .collect(Collectors.toList());
    assertThat(partitions)
        .extracting(s -> s.attr("jobtrace.step.name"))
        .containsExactly("worker:partition0", "worker:partition1", "worker:partition2");
    // Each partition's items and calls under it. (Spring Batch 6.0.0's new chunk implementation
    // may stop a partition early when another one finishes, its issue 5099: the counts are what
    // ran.)
    assertThat(partitions)
        .allSatisfy(
            p -> {
              assertThat(p.longAttr("jobtrace.step.read_count")).isBetween(1L, 100L);
              assertThat(calls(p, "GET")).isEqualTo(p.longAttr("jobtrace.step.read_count"));
            });
    assertThat(manager.longAttr("jobtrace.step.read_count"))
        .isEqualTo(
            partitions.stream().mapToLong(p -> p.longAttr("jobtrace.step.read_count")).sum());
  }

  /** Data points of a metric by their attributes, over every export the worker made. */
  protected List<Map<String, String>> points(String metric) {
    return receiver.metrics().stream()
        .filter(m -> m.getName().equals(metric))
        .flatMap(
            m ->
                m.hasHistogram()
                    ? m.getHistogram().getDataPointsList().stream()
                        .map(p -> attributes(p.getAttributesList(), p.getCount()))
                    : m.getSum().getDataPointsList().stream()
                        .map(p -> attributes(p.getAttributesList(), p.getAsInt())))
        .collect(Collectors.toList());
  }

  private static Map<String, String> attributes(List<KeyValue> attributes, long value) {
    Map<String, String> map =
        attributes.stream()
            .collect(
                Collectors.toMap(
                    KeyValue::getKey,
                    kv -> kv.getValue().getStringValue(),
                    (a, b) -> b,
                    java.util.TreeMap::new));
    map.put("value", String.valueOf(value));
    return map;
  }

  @Test
  void eachRunIsInTheJobMetricsAndTheUntracedBookkeepingIsCounted() {
    List<Map<String, String>> durations = points("jobtrace.job.duration");
    assertThat(durations)
        .anySatisfy(
            p ->
                assertThat(p)
                    .containsEntry("jobtrace.job.name", "import-customers")
                    .containsEntry("jobtrace.job.system", "spring-batch")
                    .containsEntry("jobtrace.job.outcome", "success"));
    assertThat(durations)
        .anySatisfy(
            p ->
                assertThat(p)
                    .containsEntry("jobtrace.job.name", "settle")
                    .containsEntry("jobtrace.job.outcome", "failure"));
    assertThat(points("jobtrace.bookkeeping.untraced"))
        .anySatisfy(
            p -> {
              assertThat(p).containsEntry("jobtrace.job.system", "spring-batch");
              assertThat(Long.parseLong(p.get("value"))).isGreaterThan(10L);
            });
  }
}
