package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.AnalysisJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The job span summarises its own trace, and huge traces stay small. */
class JobAnalysisIT extends WithServers {

  static final String JOBS =
      "dev.jobtrace.it.apps.AnalysisJobsApp$ReferenceDataJob[run];"
          + "dev.jobtrace.it.apps.AnalysisJobsApp$ParallelPartnerJob[run];"
          + "dev.jobtrace.it.apps.AnalysisJobsApp$PerRecordJob[run];"
          + "dev.jobtrace.it.apps.AnalysisJobsApp$PairsJob[run];"
          + "dev.jobtrace.it.apps.AnalysisJobsApp$AccountSyncJob[run]";

  static List<ExportedSpan> run(String... argsThenSettings) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(AnalysisJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", JOBS);
      int i = 0;
      for (; i < argsThenSettings.length && !argsThenSettings[i].contains("="); i++) {
        app.arg(argsThenSettings[i]);
      }
      for (; i < argsThenSettings.length; i++) {
        String[] kv = argsThenSettings[i].split("=", 2);
        app.set(kv[0], kv[1]);
      }
      AgentProcess.Result result = app.run(300);
      assertThat(result.output).contains("done ");
      return receiver.spans();
    }
  }

  static ExportedSpan job(List<ExportedSpan> spans) {
    return JobRunrJobSpansIT.only(
        spans.stream()
            .filter(s -> "method".equals(s.attr("jobtrace.job.system")))
            .collect(Collectors.toList()),
        "job span");
  }

  static List<Span.Event> findings(ExportedSpan job) {
    return job.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.finding"))
        .collect(Collectors.toList());
  }

  /** The job's findings of one kind; prints all its findings, for the build log. */
  static List<Span.Event> findingsOfKind(ExportedSpan job, String kind) {
    System.out.println(
        job.span.getName()
            + " "
            + job.durationMillis()
            + "ms: "
            + findings(job).stream()
                .map(
                    e ->
                        eventAttr(e, "jobtrace.finding.kind")
                            + ": "
                            + eventAttr(e, "jobtrace.finding.summary"))
                .collect(Collectors.toList()));
    return findings(job).stream()
        .filter(e -> kind.equals(eventAttr(e, "jobtrace.finding.kind")))
        .collect(Collectors.toList());
  }

  static String eventAttr(Span.Event e, String key) {
    var v = ExportedSpan.value(e.getAttributesList(), key);
    return v == null ? null : v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
  }

  /** A run's job span, its trace and its findings. */
  record JobRun(ExportedSpan job, List<ExportedSpan> trace, List<Span.Event> findings) {}

  /** Runs a job and prints what its trace came to, for the build log. */
  static JobRun jobRun(String... argsThenSettings) throws Exception {
    List<ExportedSpan> spans = run(argsThenSettings);
    ExportedSpan job = job(spans);
    List<ExportedSpan> trace = traceOf(spans, job);
    List<Span.Event> findings = findings(job);
    System.out.println(
        argsThenSettings[0]
            + ": spans="
            + trace.size()
            + " job="
            + job.durationMillis()
            + "ms findings="
            + findings.stream()
                .map(e -> eventAttr(e, "jobtrace.finding.summary"))
                .collect(Collectors.toList()));
    return new JobRun(job, trace, findings);
  }

  static List<ExportedSpan> traceOf(List<ExportedSpan> spans, ExportedSpan job) {
    return spans.stream()
        .filter(s -> s.traceId().equals(job.traceId()))
        .collect(Collectors.toList());
  }

  static long sumOfParts(ExportedSpan job) {
    return job.longAttr("jobtrace.time.redis_ms")
        + job.longAttr("jobtrace.time.db_ms")
        + job.longAttr("jobtrace.time.http_ms")
        + job.longAttr("jobtrace.time.other_ms");
  }

  @Test
  void withTwoExportersEachGetsTheCompositeAndTheJobSpanOnce() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          servers
              .configure(AgentProcess.of(AnalysisJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", JOBS)
              .set("otel.traces.exporter", "otlp,console")
              .arg("reference")
              .arg("20")
              .run(300);
      assertThat(result.output).contains("done ");
      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan job = job(spans);
      List<ExportedSpan> trace =
          spans.stream()
              .filter(s -> s.traceId().equals(job.traceId()))
              .collect(Collectors.toList());
      assertThat(trace)
          .extracting(ExportedSpan::name)
          .containsExactlyInAnyOrder(job.name(), "redis GET ×20");
      // The console exporter prints one line per span, starting with its name in quotes.
      assertThat(result.linesContaining("'redis GET ×20' : " + job.traceId())).isEqualTo(1);
      assertThat(result.linesContaining("'" + job.name() + "' : " + job.traceId())).isEqualTo(1);
      assertThat(result.output).doesNotContain("'GET' : " + job.traceId());
    }
  }

  @Test
  void fortyFiveThousandLookupsAreNamedOnTheJobAndTheTraceStaysSmall() throws Exception {
    List<ExportedSpan> spans = run("reference", "45000");
    ExportedSpan job = job(spans);
    List<ExportedSpan> trace =
        spans.stream().filter(s -> s.traceId().equals(job.traceId())).collect(Collectors.toList());

    List<Span.Event> findings = findings(job);
    System.out.println(
        "reference: spans="
            + trace.size()
            + " job="
            + job.durationMillis()
            + "ms redis="
            + job.longAttr("jobtrace.time.redis_ms")
            + "ms other="
            + job.longAttr("jobtrace.time.other_ms")
            + "ms findings="
            + findings.stream()
                .map(e -> eventAttr(e, "jobtrace.finding.summary"))
                .collect(Collectors.toList()));

    assertThat(findings).isNotEmpty();
    Span.Event top = findings.get(0);
    assertThat(eventAttr(top, "jobtrace.finding.kind")).isEqualTo("repeated_call");
    assertThat(eventAttr(top, "jobtrace.finding.count")).isEqualTo("45000");
    assertThat(eventAttr(top, "jobtrace.finding.statement")).startsWith("GET");
    assertThat(eventAttr(top, "jobtrace.finding.summary"))
        .startsWith("redis GET ×45000, ")
        .endsWith("% of job)");
    long totalMs = Long.parseLong(eventAttr(top, "jobtrace.finding.total_ms"));
    assertThat(totalMs).isPositive().isLessThanOrEqualTo(job.durationMillis());
    // total_ms is whole milliseconds and the share is taken from nanoseconds, so it lies between
    // the shares of total_ms and of total_ms + 1.
    String summary = eventAttr(top, "jobtrace.finding.summary");
    long pct =
        Long.parseLong(
            summary.substring(summary.lastIndexOf('(') + 1, summary.indexOf("% of job)")));
    assertThat(pct)
        .isBetween(
            Math.round(1e8 * totalMs / job.durationNanos()),
            Math.round(1e8 * (totalMs + 1) / job.durationNanos()));

    assertThat(job.longAttr("jobtrace.calls.redis")).isEqualTo(45000L + 0);
    assertThat(job.longAttr("jobtrace.time.redis_ms")).isGreaterThan(job.durationMillis() / 2);
    assertThat(sumOfParts(job)).isBetween(job.durationMillis() - 4, job.durationMillis());

    assertThat(trace.size()).isLessThanOrEqualTo(100);
    List<ExportedSpan> composites =
        trace.stream()
            .filter(s -> s.longAttr("jobtrace.composite.count") != null)
            .collect(Collectors.toList());
    long individualGets = trace.stream().filter(s -> s.name().equals("GET")).count();
    assertThat(
            composites.stream().mapToLong(s -> s.longAttr("jobtrace.composite.count")).sum()
                + individualGets)
        .isEqualTo(45000L);
    assertThat(composites)
        .allSatisfy(
            c -> {
              assertThat(c.name()).matches("redis GET ×\\d+");
              assertThat(c.parentSpanId()).isEqualTo(job.spanId());
              assertThat(c.longAttr("jobtrace.composite.sum_ms"))
                  .isLessThanOrEqualTo(c.durationMillis());
            });
  }

  @Test
  void perRecordLookupsOfTheirOwnKeysAreOneFindingAndFoldByShapeKeepingEveryFailure()
      throws Exception {
    JobRun run = jobRun("per-record", "2000");
    ExportedSpan job = run.job();
    List<ExportedSpan> trace = run.trace();
    List<Span.Event> findings = run.findings();

    assertThat(findings).isNotEmpty();
    Span.Event top = findings.get(0);
    assertThat(eventAttr(top, "jobtrace.finding.kind")).isEqualTo("repeated_call");
    assertThat(eventAttr(top, "jobtrace.finding.count")).isEqualTo("2000");
    assertThat(eventAttr(top, "jobtrace.finding.statement")).isEqualTo("GET user:{id}");

    // Each failed GET (every 50th) is its own span with its error; the rest fold by shape.
    List<ExportedSpan> failed =
        trace.stream()
            .filter(s -> s.name().equals("GET") && s.isError())
            .collect(Collectors.toList());
    assertThat(failed).hasSize(40);
    List<ExportedSpan> composites =
        trace.stream()
            .filter(s -> s.longAttr("jobtrace.composite.count") != null)
            .collect(Collectors.toList());
    long individual = trace.stream().filter(s -> s.name().equals("GET")).count();
    assertThat(
            composites.stream().mapToLong(s -> s.longAttr("jobtrace.composite.count")).sum()
                + individual)
        .isEqualTo(2000L);
    assertThat(trace.size()).isLessThanOrEqualTo(100);
    assertThat(composites)
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.name()).matches("redis GET ×\\d+");
              assertThat(c.attr("jobtrace.composite.shape")).isEqualTo("GET user:{id}");
              // Every call of a run read its own key; distinct statements are counted up to 1,000.
              assertThat(c.longAttr("jobtrace.composite.distinct"))
                  .isEqualTo(Math.min(1000L, c.longAttr("jobtrace.composite.count")));
              assertThat(c.attrList("jobtrace.composite.examples"))
                  .hasSize(3)
                  .allMatch(e -> e.matches("GET user:\\d+"));
            });
    assertThat(
            composites.stream()
                .mapToLong(
                    c ->
                        c.longAttr("jobtrace.composite.failed") == null
                            ? 0
                            : c.longAttr("jobtrace.composite.failed"))
                .sum())
        .isEqualTo(40L);
  }

  static long folded(List<ExportedSpan> trace, String command) {
    return trace.stream()
            .filter(s -> s.name().startsWith("redis " + command + " ×"))
            .mapToLong(s -> s.longAttr("jobtrace.composite.count"))
            .sum()
        + trace.stream().filter(s -> s.name().equals(command)).count();
  }

  @Test
  void aGetAndAnHgetPerRecordAreOneSequenceFindingAndAHandfulOfSpans() throws Exception {
    JobRun run = jobRun("pairs", "1000");
    ExportedSpan job = run.job();
    List<ExportedSpan> trace = run.trace();
    List<Span.Event> findings = run.findings();

    assertThat(findings)
        .extracting(e -> eventAttr(e, "jobtrace.finding.kind"))
        .containsExactly("repeated_sequence");
    Span.Event loop = findings.get(0);
    assertThat(eventAttr(loop, "jobtrace.finding.count")).isEqualTo("1000");
    assertThat(eventAttr(loop, "jobtrace.finding.statement"))
        .isEqualTo("GET acct:{id} → HGET prefs:{id} lang");
    assertThat(eventAttr(loop, "jobtrace.finding.summary"))
        .startsWith("per record ×1000: redis GET acct:{id} → redis HGET prefs:{id} lang, ")
        .endsWith("% of job)");
    assertThat(eventAttr(loop, "jobtrace.finding.fix")).contains("MGET or a pipeline");
    assertThat(job.attr("jobtrace.finding.top")).startsWith("repeated_sequence: per record ×1000");

    assertThat(trace.size()).isLessThanOrEqualTo(20);
    assertThat(folded(trace, "GET")).isEqualTo(1000L);
    assertThat(folded(trace, "HGET")).isEqualTo(1000L);
    assertThat(trace.stream().filter(s -> s.name().startsWith("redis HGET ×")))
        .isNotEmpty()
        .allMatch(c -> "HGET prefs:{id} lang".equals(c.attr("jobtrace.composite.shape")));
  }

  @Test
  void aQueryAndAPartnerCallPerRecordAreOneSequenceAndEveryCallIntoThePartnerStays()
      throws Exception {
    JobRun run = jobRun("account-sync", "150");
    ExportedSpan job = run.job();
    List<ExportedSpan> trace = run.trace();
    List<Span.Event> findings = run.findings();

    // One finding for the loop: not a repeated SELECT beside slow partner calls.
    assertThat(findings)
        .extracting(e -> eventAttr(e, "jobtrace.finding.kind"))
        .containsExactly("repeated_sequence");
    Span.Event loop = findings.get(0);
    assertThat(eventAttr(loop, "jobtrace.finding.count")).isEqualTo("150");
    assertThat(eventAttr(loop, "jobtrace.finding.statement"))
        .matches(
            "select value from records where id = \\? → GET http://127\\.0\\.0\\.1:\\d+/partner/accounts/\\{id}");
    assertThat(eventAttr(loop, "jobtrace.finding.summary"))
        .startsWith("per record ×150: db SELECT records → http GET 127.0.0.1:");
    assertThat(eventAttr(loop, "jobtrace.finding.fix"))
        .contains("WHERE id IN")
        .contains("bulk request");

    // The SELECTs fold; every partner call leaves as its own span, and what the partner traced
    // under a call keeps that call as its parent.
    assertThat(trace.stream().filter(s -> s.name().startsWith("db ") && s.name().contains(" ×")))
        .isNotEmpty();
    List<ExportedSpan> calls =
        trace.stream()
            .filter(
                s ->
                    s.span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
                        && s.attr("http.request.method") != null)
            .collect(Collectors.toList());
    assertThat(calls).hasSize(150);
    java.util.Set<String> ids =
        trace.stream().map(ExportedSpan::spanId).collect(Collectors.toSet());
    assertThat(trace)
        .allSatisfy(
            s ->
                assertThat(s.parentSpanId().isEmpty() || ids.contains(s.parentSpanId()))
                    .as("parent of " + s.name())
                    .isTrue());
  }

  @Test
  void compressionOffExportsEveryCall() throws Exception {
    List<ExportedSpan> spans = run("reference", "300", "otel.jobtrace.compression.enabled=false");
    ExportedSpan job = job(spans);
    assertThat(
            spans.stream().filter(s -> s.traceId().equals(job.traceId()) && s.name().equals("GET")))
        .hasSize(300);
    assertThat(spans).noneMatch(s -> s.longAttr("jobtrace.composite.count") != null);
  }

  @Test
  void parallelCallsAreCountedOnceInTheBreakdown() throws Exception {
    ExportedSpan job = job(run("parallel-http"));
    System.out.println(
        "parallel-http: job="
            + job.durationMillis()
            + "ms http="
            + job.longAttr("jobtrace.time.http_ms")
            + " other="
            + job.longAttr("jobtrace.time.other_ms")
            + " findings="
            + findings(job).stream()
                .map(e -> eventAttr(e, "jobtrace.finding.summary"))
                .collect(Collectors.toList()));
    assertThat(job.longAttr("jobtrace.calls.http")).isEqualTo(8L);
    // 8 calls of 800 ms, 4 at a time: 6.4 s of calls in about 1.6 s of job.
    assertThat(job.longAttr("jobtrace.time.http_ms"))
        .isLessThanOrEqualTo(job.durationMillis())
        .isGreaterThan(1500L);
    assertThat(sumOfParts(job)).isBetween(job.durationMillis() - 4, job.durationMillis());
    Span.Event top = findings(job).get(0);
    assertThat(eventAttr(top, "jobtrace.finding.kind")).isEqualTo("slow_http");
    assertThat(eventAttr(top, "jobtrace.finding.count")).isEqualTo("8");
    assertThat(eventAttr(top, "jobtrace.finding.statement"))
        .matches("GET http://127\\.0\\.0\\.1:\\d+/slow");
  }
}
