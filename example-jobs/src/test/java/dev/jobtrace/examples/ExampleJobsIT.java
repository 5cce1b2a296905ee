package dev.jobtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.examples.partner.PartnerApi;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Ports;
import dev.jobtrace.testing.Servers;
import dev.jobtrace.testing.Snippets;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example worker under the built agent, each story slow and fixed, at test scale. */
class ExampleJobsIT {

  static Servers servers;
  static OtlpReceiver receiver;
  static List<ExportedSpan> spans;

  @BeforeAll
  static void runStories() throws Exception {
    servers = Servers.start();
    receiver = new OtlpReceiver();
    int partnerPort = Ports.free();
    try (AgentProcess.Running partner =
        AgentProcess.of(PartnerApi.class, receiver)
            .set("otel.service.name", "partner-api")
            .env("PARTNER_DB_URL", servers.postgres.jdbcUrl())
            .env("PARTNER_PORT", Integer.toString(partnerPort))
            .env("PARTNER_STALL_MS", "1500")
            .start()) {
      partner.awaitOutput("partner-api: listening", 120);
      AgentProcess.Result result =
          worker("http://127.0.0.1:" + partnerPort, "0.2", "1")
              .arg("--run")
              .arg(
                  "reference-data/slow,reference-data/fixed,client-report/slow,client-report/fixed,partner-sync/slow,partner-sync/fixed,invoice-export/slow,invoice-export/fixed,price-import/slow,price-import/fixed")
              .run(600);
      assertThat(result.output).contains("jobs finished: succeeded=10 failed=0");
    }
    // Settlement is about jobs running at once: a run alone, then three together, in one worker.
    settleAloneThenThreeAtOnce("slow");
    settleAloneThenThreeAtOnce("fixed");
    spans = receiver.spans();
  }

  static void settleAloneThenThreeAtOnce(String variant) throws Exception {
    String run = "wallet-settlement/" + variant;
    AgentProcess.Result result =
        worker("http://127.0.0.1:1", "1", "3")
            .arg("--run")
            .arg(run + ";" + run + "," + run + "," + run)
            .run(600);
    assertThat(result.output).contains("failed=0");
  }

  /**
   * The example worker under the agent; {@code workers} runs at a time (one: each run's numbers are
   * its own).
   */
  static AgentProcess worker(String partnerUrl, String scale, String workers) throws Exception {
    return AgentProcess.of(WorkerApp.class, receiver)
        .set("otel.service.name", "example-jobs")
        .env("EXAMPLES_DB_URL", servers.postgres.jdbcUrl())
        .env("EXAMPLES_REDIS_URL", servers.redisUri())
        .env("EXAMPLES_PARTNER_URL", partnerUrl)
        .env("EXAMPLES_HTTP_PORT", Integer.toString(Ports.free()))
        .env("EXAMPLES_DASHBOARD_PORT", "0")
        .env("EXAMPLES_SCALE", scale)
        .env("EXAMPLES_WORKERS", workers);
  }

  @AfterAll
  static void stop() throws Exception {
    if (receiver != null) {
      receiver.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  static ExportedSpan job(String method) {
    return job("reference.ReferenceDataJob", method);
  }

  static ExportedSpan job(String cls, String method) {
    List<ExportedSpan> found = jobs(cls, method);
    assertThat(found).as(method).hasSize(1);
    return found.get(0);
  }

  static List<String> findingKinds(ExportedSpan job) {
    return job.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.finding"))
        .map(e -> eventAttr(e, "jobtrace.finding.kind"))
        .collect(Collectors.toList());
  }

  @Test
  void slowReferenceDataRunNamesTheRepeatedLookupAndTheFixedRunDoesNot() {
    ExportedSpan slow = job("slow");
    ExportedSpan fixed = job("fixed");
    Span.Event top =
        slow.span.getEventsList().stream()
            .filter(e -> e.getName().equals("jobtrace.finding"))
            .findFirst()
            .orElseThrow();
    String summary =
        top.getAttributesList().stream()
            .filter(kv -> kv.getKey().equals("jobtrace.finding.summary"))
            .findFirst()
            .orElseThrow()
            .getValue()
            .getStringValue();
    System.out.println(
        "reference-data slow: "
            + slow.durationMillis()
            + " ms, "
            + summary
            + "; fixed: "
            + fixed.durationMillis()
            + " ms, calls.redis="
            + fixed.longAttr("jobtrace.calls.redis"));
    assertThat(findingKinds(slow)).first().isEqualTo("repeated_call");
    assertThat(summary).startsWith("redis GET ×9000, ");
    assertThat(slow.longAttr("jobtrace.calls.redis")).isEqualTo(9000L);
    assertThat(findingKinds(fixed)).doesNotContain("repeated_call");
    assertThat(fixed.longAttr("jobtrace.calls.redis")).isEqualTo(9L);
  }

  /** An attribute of the job's first finding of that kind. */
  static String finding(ExportedSpan job, String kind, String attribute) {
    return job.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.finding"))
        .filter(
            e ->
                ExportedSpan.value(e.getAttributesList(), "jobtrace.finding.kind")
                    .getStringValue()
                    .equals(kind))
        .map(e -> ExportedSpan.value(e.getAttributesList(), attribute).getStringValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " finding on " + job.name()));
  }

  @Test
  void slowReportRunNamesTheTableScanningBatchQueryAndTheIndexedRunDoesNot() {
    ExportedSpan slow = job("report.ClientReportJob", "slow");
    ExportedSpan fixed = job("report.ClientReportJob", "fixed");
    String summary = finding(slow, "slow_query", "jobtrace.finding.summary");
    System.out.println(
        "client-report slow: "
            + slow.durationMillis()
            + " ms, "
            + summary
            + "; fixed: "
            + fixed.durationMillis()
            + " ms, findings "
            + findingKinds(fixed));
    assertThat(findingKinds(slow)).first().isEqualTo("slow_query");
    // 45 accounts, each read in one full and one half batch.
    assertThat(summary).startsWith("db SELECT ×90, ");
    assertThat(finding(slow, "slow_query", "jobtrace.finding.statement"))
        .contains("from client_invoices where account_id = ?");
    assertThat(slow.longAttr("jobtrace.calls.db")).isEqualTo(90L);
    assertThat(slow.longAttr("jobtrace.time.db_ms")).isGreaterThan(slow.durationMillis() * 8 / 10);
    assertThat(findingKinds(fixed)).doesNotContain("slow_query");
    assertThat(fixed.longAttr("jobtrace.calls.db")).isEqualTo(90L);
    assertThat(fixed.durationMillis()).isLessThan(slow.durationMillis() / 3);
  }

  @Test
  void partnerCallsAreOneTraceAcrossBothServicesDownToThePartnersQuery() {
    for (String variant : List.of("slow", "fixed")) {
      ExportedSpan job = job("sync.PartnerSyncJob", variant);
      List<ExportedSpan> trace =
          spans.stream()
              .filter(s -> s.traceId().equals(job.traceId()))
              .collect(Collectors.toList());
      List<ExportedSpan> servers =
          trace.stream()
              .filter(
                  s ->
                      s.service.equals("partner-api") && s.kind() == Span.SpanKind.SPAN_KIND_SERVER)
              .collect(Collectors.toList());
      // One per account (40 at test scale), fast calls included: none is folded away from its
      // callee.
      assertThat(servers).as(variant).hasSize(40);
      for (ExportedSpan server : servers) {
        ExportedSpan client =
            trace.stream()
                .filter(s -> s.spanId().equals(server.parentSpanId()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            variant + ": partner-api span without its client span in the trace"));
        assertThat(client.service).isEqualTo("example-jobs");
        assertThat(client.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(trace)
            .anyMatch(
                s ->
                    s.service.equals("partner-api")
                        && s.parentSpanId().equals(server.spanId())
                        && s.name().startsWith("SELECT"));
      }
    }
  }

  @Test
  void partnerSyncWithoutTimeoutWaitsOnStallsAndTheFixedRunDoesNot() {
    ExportedSpan slow = job("sync.PartnerSyncJob", "slow");
    ExportedSpan fixed = job("sync.PartnerSyncJob", "fixed");
    System.out.println(
        "partner-sync slow: "
            + slow.durationMillis()
            + " ms, http="
            + slow.longAttr("jobtrace.time.http_ms")
            + " ms; fixed: "
            + fixed.durationMillis()
            + " ms, http="
            + fixed.longAttr("jobtrace.time.http_ms")
            + " ms");
    assertThat(findingKinds(slow)).first().isEqualTo("slow_http");
    // The cause is named: no request timeout, and a client with no connect timeout either.
    List<Span.Event> untimed = findings(slow, "no_timeout");
    assertThat(untimed).hasSize(1);
    String summary = eventAttr(untimed.get(0), "jobtrace.finding.summary");
    System.out.println("partner-sync slow no_timeout: " + summary);
    assertThat(summary)
        .matches(
            "http GET 127\\.0\\.0\\.1:\\d+/accounts/\\{id\\} ×40 made without a request timeout"
                + " \\(its client has no connect timeout either\\): the slowest waited 1\\.\\d s, 4"
                + " waited 0\\.5 s or more");
    assertThat(findings(fixed, "no_timeout")).isEmpty();
    assertThat(slow.longAttr("jobtrace.time.http_ms"))
        .isGreaterThan(slow.durationMillis() * 8 / 10);
    // 4 of the 40 accounts stall for 1.5 s each: the slow run waits them all out, one by one.
    assertThat(slow.durationMillis()).isGreaterThanOrEqualTo(6000L);
    assertThat(fixed.durationMillis()).isLessThan(slow.durationMillis() / 2);
  }

  @Test
  void aPriceListPassedAsTheJobsArgumentIsALargePayloadAndTheStagedOneIsNot() {
    ExportedSpan slow = job("prices.PriceImportJob", "slow");
    ExportedSpan fixed = job("prices.PriceImportJob", "fixed");
    List<Span.Event> large = findings(slow, "large_payload");
    assertThat(large).hasSize(1);
    String summary = eventAttr(large.get(0), "jobtrace.finding.summary");
    System.out.println(
        "price-import slow: "
            + slow.longAttr("jobtrace.job.payload_bytes")
            + " bytes, "
            + summary
            + "; fixed: "
            + fixed.longAttr("jobtrace.job.payload_bytes")
            + " bytes");
    assertThat(summary).startsWith("job stored as ").contains(" KiB (JobRunr's JSON");
    assertThat(slow.longAttr("jobtrace.job.payload_bytes")).isGreaterThan(300_000L);
    assertThat(fixed.longAttr("jobtrace.job.payload_bytes")).isLessThan(10_000L);
    assertThat(findings(fixed, "large_payload")).isEmpty();
  }

  @Test
  void invoiceExportProfileShowsSerializationAndTheFixedRunSkipsIt() {
    ExportedSpan slow = job("export.InvoiceExportJob", "slow");
    ExportedSpan fixed = job("export.InvoiceExportJob", "fixed");
    System.out.println(
        "invoice-export slow: "
            + slow.durationMillis()
            + " ms, hot="
            + slow.attr("jobtrace.profile.hot")
            + "; fixed: "
            + fixed.durationMillis()
            + " ms");
    assertThat(slow.attr("jobtrace.profile.id")).isNotNull();
    // Most of the slow run's samples are inside Jackson's serializer.
    assertThat(jacksonShare(slow)).isGreaterThan(0.4);
    assertThat(fixed.durationMillis()).isLessThan(slow.durationMillis());
  }

  /** Share of the span's profile samples whose stack passes through Jackson. */
  static double jacksonShare(ExportedSpan span) {
    Map<String, Long> stacks = Snippets.folded(span);
    return (double) Snippets.containing(stacks, "com.fasterxml.jackson") / Snippets.total(stacks);
  }

  static List<ExportedSpan> jobs(String cls, String method) {
    return spans.stream()
        .filter(
            s ->
                ("dev.jobtrace.examples." + cls + "." + method).equals(s.attr("jobtrace.job.name")))
        .collect(Collectors.toList());
  }

  /** The settlement runs of a variant, in the order they started: the one alone first. */
  static List<ExportedSpan> settlements(String variant) {
    List<ExportedSpan> runs =
        jobs("settlement.WalletSettlementJob", variant).stream()
            .sorted(Comparator.comparingLong(s -> s.span.getStartTimeUnixNano()))
            .collect(Collectors.toList());
    assertThat(runs).as(variant).hasSize(4);
    return runs;
  }

  static List<Span.Event> findings(ExportedSpan job, String kind) {
    return job.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.finding"))
        .filter(e -> kind.equals(eventAttr(e, "jobtrace.finding.kind")))
        .collect(Collectors.toList());
  }

  static String eventAttr(Span.Event e, String key) {
    return e.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .findFirst()
        .map(kv -> kv.getValue().getStringValue())
        .orElse(null);
  }

  @Test
  void settlementsAtOnceNameContentionOnTheBalanceUpdateAndTheLedgerDoesNot() {
    List<ExportedSpan> slow = settlements("slow");
    assertThat(findings(slow.get(0), "contention")).as("the slow run alone").isEmpty();
    List<ExportedSpan> together = slow.subList(1, 4);
    long lastStart =
        together.stream().mapToLong(s -> s.span.getStartTimeUnixNano()).max().orElseThrow();
    long firstEnd =
        together.stream().mapToLong(s -> s.span.getEndTimeUnixNano()).min().orElseThrow();
    assertThat(lastStart)
        .as("the three runs scheduled together overlap: the last started before the first ended")
        .isLessThan(firstEnd);
    for (ExportedSpan run : together) {
      List<Span.Event> found = findings(run, "contention");
      String summary = found.isEmpty() ? null : eventAttr(found.get(0), "jobtrace.finding.summary");
      System.out.println("wallet-settlement/slow " + run.durationMillis() + " ms: " + summary);
      assertThat(found).as("contention on a slow run among three").hasSize(1);
      assertThat(eventAttr(found.get(0), "jobtrace.finding.statement"))
          .isEqualTo("update wallets set balance = balance + ? where id = ?");
      assertThat(summary)
          .startsWith("db UPDATE wallets ×")
          .contains("slower while other runs made it (WalletSettlementJob.slow");
      assertThat(run.attr("jobtrace.findings")).contains("contention");
    }
    for (ExportedSpan run : settlements("fixed")) {
      assertThat(findings(run, "contention")).as("a ledger run").isEmpty();
    }
  }

  @Test
  void concurrentSettlementsWaitOnEachOthersRowLocksAndTheLedgerDoesNot() {
    List<ExportedSpan> slow = settlements("slow").subList(1, 4);
    List<ExportedSpan> fixed = settlements("fixed").subList(1, 4);
    long slowest = slow.stream().mapToLong(ExportedSpan::durationMillis).max().orElseThrow();
    long slowestFixed = fixed.stream().mapToLong(ExportedSpan::durationMillis).max().orElseThrow();
    // Time inside UPDATE statements: with the locks taken by the other runs, that is waiting.
    long updateMs =
        spans.stream()
            .filter(s -> slow.stream().anyMatch(j -> j.traceId().equals(s.traceId())))
            .filter(s -> s.name().startsWith("UPDATE"))
            .mapToLong(ExportedSpan::durationMillis)
            .sum();
    System.out.println(
        "wallet-settlement slow runs: "
            + slow.stream().map(ExportedSpan::durationMillis).collect(Collectors.toList())
            + " ms, db="
            + slow.stream().map(s -> s.longAttr("jobtrace.time.db_ms")).collect(Collectors.toList())
            + " ms, time in UPDATE="
            + updateMs
            + " ms; fixed runs: "
            + fixed.stream().map(ExportedSpan::durationMillis).collect(Collectors.toList())
            + " ms");
    for (ExportedSpan run : slow) {
      assertThat(run.longAttr("jobtrace.time.db_ms")).isGreaterThan(run.durationMillis() * 8 / 10);
    }
    assertThat(updateMs)
        .as("time spent waiting in UPDATE across the slow runs")
        .isGreaterThan(slowest / 2);
    assertThat(slowestFixed).isLessThan(slowest);
  }

  @Test
  void eachRunLinksToTheRequestThatEnqueuedIt() {
    for (ExportedSpan job : List.of(job("slow"), job("fixed"))) {
      assertThat(job.span.getLinksList()).hasSize(1);
      String linked = ExportedSpan.hex(job.span.getLinks(0).getSpanId().toByteArray());
      ExportedSpan request =
          spans.stream().filter(s -> s.spanId().equals(linked)).findFirst().orElseThrow();
      assertThat(request.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(request.name()).startsWith("POST");
    }
  }
}
