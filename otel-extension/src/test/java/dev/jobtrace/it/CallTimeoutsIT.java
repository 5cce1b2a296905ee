package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.TimeoutJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under the built agent, against a real PostgreSQL and a local HTTP server that answers in 800 ms:
 * slow calls made without a timeout carry a {@code no_timeout} finding naming the statement and the
 * slowest wait, and their client spans say which timeout they were made with; calls with timeouts,
 * and fast calls without, carry none.
 */
class CallTimeoutsIT extends WithServers {

  static final String[] JOBS = {
    "queryWithout",
    "queryWith",
    "fastQueriesWithout",
    "httpWithout",
    "httpConnectOnly",
    "httpRequestTimeout",
    "httpAsyncWithout",
    "urlConnectionWithout",
    "urlConnectionWith"
  };

  static List<ExportedSpan> spans;

  @BeforeAll
  static void run() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess process =
          servers
              .configure(AgentProcess.of(TimeoutJobsApp.class, receiver))
              .set(
                  "otel.jobtrace.jobs",
                  "dev.jobtrace.it.apps.TimeoutJobsApp$TimeoutJobs["
                      + String.join(",", JOBS)
                      + "]");
      for (String job : JOBS) {
        process.arg(job);
      }
      AgentProcess.Result result = process.run(300);
      assertThat(result.output).contains("done ");
      spans = receiver.spans();
    }
  }

  static ExportedSpan job(String method) {
    return ProfileSnippetsIT.job(spans, "TimeoutJobs." + method);
  }

  static List<Span.Event> noTimeout(ExportedSpan job) {
    return JobAnalysisIT.findingsOfKind(job, "no_timeout");
  }

  /** The client spans of a job's trace whose name starts with {@code prefix}. */
  static List<ExportedSpan> calls(ExportedSpan job, String prefix) {
    return spans.stream()
        .filter(s -> s.traceId().equals(job.traceId()))
        .filter(s -> s.kind() == Span.SpanKind.SPAN_KIND_CLIENT)
        .filter(s -> s.name().startsWith(prefix))
        .collect(Collectors.toList());
  }

  static String summary(Span.Event f) {
    return JobAnalysisIT.eventAttr(f, "jobtrace.finding.summary");
  }

  @Test
  void aSlowQueryWithoutAQueryTimeoutIsNamedWithItsSlowestWait() {
    ExportedSpan job = job("queryWithout");
    List<Span.Event> found = noTimeout(job);
    assertThat(found).hasSize(1);
    assertThat(summary(found.get(0)))
        .matches(
            "db SELECT ×2 run without a query timeout: the slowest waited \\d\\.\\d s, 2 waited"
                + " 0\\.5 s or more");
    assertThat(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.statement"))
        .isEqualTo("select pg_sleep(?)");
    assertThat(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.fix"))
        .contains("Statement.setQueryTimeout");
    assertThat(Long.parseLong(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.max_ms")))
        .isBetween(700L, job.durationMillis());
    assertThat(job.attr("jobtrace.findings")).contains("no_timeout");
    // The statement's spans say it had none.
    List<ExportedSpan> selects = calls(job, "SELECT");
    assertThat(selects).hasSize(2);
    for (ExportedSpan select : selects) {
      assertThat(select.longAttr("jobtrace.call.timeout_ms")).isEqualTo(0L);
    }
  }

  @Test
  void theSameQueriesWithAQueryTimeoutAreSlowButNotUntimed() {
    ExportedSpan job = job("queryWith");
    assertThat(noTimeout(job)).isEmpty();
    assertThat(job.attr("jobtrace.findings")).contains("slow_query");
    for (ExportedSpan select : calls(job, "SELECT")) {
      assertThat(select.longAttr("jobtrace.call.timeout_ms")).isEqualTo(5000L);
    }
  }

  @Test
  void fastQueriesWithoutATimeoutAndAFailingOneAreNotNamed() {
    ExportedSpan job = job("fastQueriesWithout");
    assertThat(noTimeout(job)).isEmpty();
    assertThat(job.longAttr("jobtrace.calls.db")).isGreaterThanOrEqualTo(21L);
    // The failing call went through the advice like the others, and failed as the job expects.
    List<ExportedSpan> failed =
        calls(job, "SELECT").stream()
            .filter(s -> s.name().contains("no_such_table"))
            .collect(Collectors.toList());
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).longAttr("jobtrace.call.timeout_ms")).isEqualTo(0L);
  }

  /**
   * The one no_timeout finding of a job whose two GETs of the slow endpoint had neither timeout,
   * checked against its summary, its slowest wait and the GET spans' timeouts.
   */
  static Span.Event untimedGets(String method) {
    ExportedSpan job = job(method);
    List<Span.Event> found = noTimeout(job);
    assertThat(found).hasSize(1);
    assertThat(summary(found.get(0)))
        .matches(
            "http GET 127\\.0\\.0\\.1:\\d+/slow ×2 made without a request timeout \\(its client has"
                + " no connect timeout either\\): the slowest waited \\d\\.\\d s, 2 waited 0\\.5 s or"
                + " more");
    assertThat(Long.parseLong(JobAnalysisIT.eventAttr(found.get(0), "jobtrace.finding.max_ms")))
        .isBetween(800L, job.durationMillis());
    List<ExportedSpan> gets = calls(job, "GET");
    assertThat(gets).hasSize(2);
    for (ExportedSpan call : gets) {
      assertThat(call.longAttr("jobtrace.call.timeout_ms")).isEqualTo(0L);
      assertThat(call.longAttr("jobtrace.call.connect_timeout_ms")).isEqualTo(0L);
    }
    return found.get(0);
  }

  @Test
  void httpCallsWithNoTimeoutAtAllNameTheRequestAndTheConnectTimeout() {
    assertThat(JobAnalysisIT.eventAttr(untimedGets("httpWithout"), "jobtrace.finding.fix"))
        .contains("HttpRequest.Builder.timeout")
        .contains("HttpClient.Builder.connectTimeout");
  }

  @Test
  void aClientWithOnlyAConnectTimeoutIsNamedForTheRequestTimeoutAlone() {
    ExportedSpan job = job("httpConnectOnly");
    List<Span.Event> found = noTimeout(job);
    assertThat(found).hasSize(1);
    assertThat(summary(found.get(0)))
        .contains("made without a request timeout: the slowest waited")
        .doesNotContain("connect");
    for (ExportedSpan call : calls(job, "GET")) {
      assertThat(call.longAttr("jobtrace.call.connect_timeout_ms")).isEqualTo(2000L);
    }
  }

  @Test
  void requestsWithATimeoutCarryNoneEvenWhenOneTimesOut() {
    ExportedSpan job = job("httpRequestTimeout");
    assertThat(noTimeout(job)).isEmpty();
    List<ExportedSpan> gets = calls(job, "GET");
    assertThat(gets).hasSize(2);
    assertThat(gets.stream().map(c -> c.longAttr("jobtrace.call.timeout_ms")))
        .containsExactlyInAnyOrder(5000L, 600L);
  }

  @Test
  void asynchronousCallsWithoutATimeoutAreNamedToo() {
    ExportedSpan job = job("httpAsyncWithout");
    List<Span.Event> found = noTimeout(job);
    assertThat(found).hasSize(1);
    assertThat(summary(found.get(0))).contains("/slow ×2 made without a request timeout");
  }

  @Test
  void urlConnectionsWithNeitherTimeoutAreNamedWithTheirOwnSetters() {
    assertThat(JobAnalysisIT.eventAttr(untimedGets("urlConnectionWithout"), "jobtrace.finding.fix"))
        .contains("HttpURLConnection.setReadTimeout")
        .contains("HttpURLConnection.setConnectTimeout");
  }

  @Test
  void urlConnectionsWithTheirTimeoutsCarryNoneEvenWhenTheReadTimesOut() {
    ExportedSpan job = job("urlConnectionWith");
    assertThat(noTimeout(job)).isEmpty();
    List<ExportedSpan> gets = calls(job, "GET");
    assertThat(gets).hasSize(2);
    assertThat(gets.stream().map(c -> c.longAttr("jobtrace.call.timeout_ms")))
        .containsExactlyInAnyOrder(5000L, 300L);
    for (ExportedSpan call : gets) {
      assertThat(call.longAttr("jobtrace.call.connect_timeout_ms")).isEqualTo(2000L);
    }
  }
}
