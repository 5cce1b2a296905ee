package dev.jobtrace.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.e2e.JaegerQuery.Trace;
import dev.jobtrace.linker.TraceSpan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole demo as a user runs it, as local processes: every example job enqueued over HTTP, slow
 * and fixed, then checked only through Jaeger's query API and the profiler-linker's pages. Each
 * failure names the job run and the check.
 */
class EndToEndIT {

  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The story about a job's payload, not its run time: its two variants run alike. */
  static final String PRICE_IMPORT = "price-import";

  static final List<String> SEQUENTIAL =
      List.of(
          "reference-data",
          "customer-lookup",
          "client-report",
          "client-report-batch",
          "partner-sync",
          "invoice-export",
          PRICE_IMPORT);

  /**
   * The Spring Batch story's own job traces by variant, beside the JobRunr runs that launched them.
   */
  static final Map<String, Trace> BATCH = new LinkedHashMap<>();

  static final String SETTLEMENT = "wallet-settlement";

  static LocalTopology topology;
  static JaegerQuery jaeger;

  /** "job/variant" → the runs' traces. */
  static final Map<String, List<Trace>> RUNS = new LinkedHashMap<>();

  static final List<String> failures = new ArrayList<>();

  /** The settlement run of each variant made alone, before three at once. */
  static final Map<String, Trace> SETTLEMENT_ALONE = new LinkedHashMap<>();

  @BeforeAll
  static void runEveryJob() throws Exception {
    LocalTopology.Settings settings = new LocalTopology.Settings();
    settings.ports = LocalTopology.Ports.free();
    settings.scale = 0.5;
    settings.workers = 3;
    settings.partnerStallMillis = 1000;
    settings.logs = LocalTopology.REPO.resolve("e2e/target/e2e-logs");
    settings.metricsEvery = Duration.ofSeconds(1);
    topology = LocalTopology.start(settings);
    jaeger = new JaegerQuery(topology.jaegerUrl());
    for (String job : SEQUENTIAL) {
      for (String variant : List.of("slow", "fixed")) {
        RUNS.put(job + "/" + variant, awaitRuns(job, variant, 1));
      }
    }
    for (String variant : List.of("slow", "fixed")) {
      BATCH.put(
          variant,
          awaitBatchTrace(
              "client-report-batch/" + variant, only("client-report-batch/" + variant)));
    }
    // Settlement is about runs at once: each variant once alone (what its statements take
    // without the others), then three together.
    SETTLEMENT_ALONE.put("slow", awaitRuns(SETTLEMENT, "slow", 1).get(0));
    RUNS.put(SETTLEMENT + "/slow", awaitRuns(SETTLEMENT, "slow", 3));
    SETTLEMENT_ALONE.put("fixed", awaitRuns(SETTLEMENT, "fixed", 1).get(0));
    RUNS.put(SETTLEMENT + "/fixed", awaitRuns(SETTLEMENT, "fixed", 3));
  }

  @AfterAll
  static void stop() {
    if (topology != null) {
      topology.close();
    }
  }

  /**
   * Enqueues {@code count} runs at once through the worker's endpoint (several: scheduled for one
   * instant) and waits for their traces in Jaeger.
   */
  static List<Trace> awaitRuns(String job, String variant, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    // Several runs are scheduled for one instant, so that one poll of the worker starts them all.
    String at = count > 1 ? "?at=" + (System.currentTimeMillis() + 2_000) : "";
    for (int i = 0; i < count; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(topology.workerUrl() + "/jobs/" + job + "/" + variant + at))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      check(
          r.statusCode() == 202,
          job + "/" + variant,
          "enqueue answers 202",
          r.statusCode() + " " + r.body());
      ids.add(r.body().trim());
    }
    List<Trace> traces = new ArrayList<>();
    for (String id : ids) {
      Trace trace = awaitJobTrace(job + "/" + variant, id);
      if (job.equals("partner-sync")) {
        // partner-api exports on its own schedule: give its spans time to arrive.
        Instant deadline = Instant.now().plusSeconds(30);
        while (!trace.any(s -> s.service.equals("partner-api"))
            && Instant.now().isBefore(deadline)) {
          Thread.sleep(500);
          trace = jaeger.trace(trace.job().traceId);
        }
      }
      traces.add(trace);
    }
    return traces;
  }

  /**
   * The trace holding the job span with that JobRunr id, once Jaeger has it and its profile (if
   * any).
   */
  static Trace awaitJobTrace(String run, String jobId) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      topology.checkAlive();
      for (TraceSpan span : jaeger.search("example-jobs", null, Duration.ofMinutes(30), 200)) {
        if (jobId.equals(span.attr("jobtrace.job.id"))) {
          Trace trace = jaeger.trace(span.traceId);
          TraceSpan job = trace.job();
          // A slow span reaches Jaeger once its profile is attached; the job span comes last.
          if (job != null && job.attr("jobtrace.time.other_ms") != null) {
            return trace;
          }
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "["
            + run
            + "] job "
            + jobId
            + ": no job span in Jaeger within 5 minutes; logs in "
            + topology.logs());
  }

  /**
   * The Spring Batch job trace that a JobRunr run launched: the one job span of the Spring Batch
   * job within the launching run's time (runs go one at a time), once complete in Jaeger.
   */
  static Trace awaitBatchTrace(String run, Trace launcher) throws Exception {
    TraceSpan launching = launcher.job();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      for (TraceSpan span :
          jaeger.search("example-jobs", "client-report-batch", Duration.ofMinutes(30), 50)) {
        if ("spring-batch".equals(span.attr("jobtrace.job.system"))
            && span.startNanos >= launching.startNanos
            && span.endNanos <= launching.endNanos) {
          Trace trace = jaeger.trace(span.traceId);
          TraceSpan job = trace.job();
          if (job != null && job.attr("jobtrace.time.other_ms") != null) {
            return trace;
          }
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "["
            + run
            + "] no Spring Batch job trace within the launching run in Jaeger; logs in "
            + topology.logs());
  }

  static HttpResponse<String> page(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(topology.linkerUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void check(boolean ok, String run, String what, Object detail) {
    if (!ok) {
      throw new AssertionError("[" + run + "] " + what + " — got: " + detail);
    }
  }

  static Trace only(String run) {
    List<Trace> traces = RUNS.get(run);
    check(traces != null && traces.size() == 1, run, "exactly one run", traces);
    return traces.get(0);
  }

  // ---- each run is one trace with its calls ----

  @Test
  void everyRunIsOneTraceWithItsCalls() {
    for (String variant : List.of("slow", "fixed")) {
      String run = "reference-data/" + variant;
      Trace t = only(run);
      check(
          t.job().longAttr("jobtrace.calls.redis") > 0,
          run,
          "job counts Redis calls",
          t.job().attributes);
      check(
          t.any(
              s -> "redis".equals(s.attr("db.system")) || "redis".equals(s.attr("db.system.name"))),
          run,
          "trace holds Redis spans",
          t.names());

      run = "client-report/" + variant;
      t = only(run);
      check(
          t.job().longAttr("jobtrace.calls.db") == 90,
          run,
          "job counts its 90 batch queries",
          t.job().attr("jobtrace.calls.db"));
      check(
          t.any(s -> s.name.contains("SELECT") && s.service.equals("example-jobs")),
          run,
          "trace holds SQL spans",
          t.names());

      run = "partner-sync/" + variant;
      t = only(run);
      List<TraceSpan> servers =
          t.spans.stream()
              .filter(s -> s.service.equals("partner-api") && s.kind.equals("SERVER"))
              .toList();
      check(
          !servers.isEmpty(), run, "partner-api's server spans are in the job's trace", t.names());
      for (TraceSpan server : servers) {
        TraceSpan client = t.byId(server.parentSpanId);
        check(
            client != null && client.service.equals("example-jobs") && client.kind.equals("CLIENT"),
            run,
            "each partner-api span is under the worker's HTTP client span",
            server + " has parent " + client);
      }
      TraceSpan query =
          t.first(s -> s.service.equals("partner-api") && s.name.startsWith("SELECT"));
      check(query != null, run, "partner-api's own SQL span is in the job's trace", t.names());

      run = "invoice-export/" + variant;
      t = only(run);
      check(
          t.any(s -> s.name.contains("export_runs")),
          run,
          "trace holds the export's SQL spans",
          t.names());

      run = SETTLEMENT + "/" + variant;
      for (Trace s : RUNS.get(run)) {
        check(
            s.any(x -> x.name.contains(variant.equals("slow") ? "UPDATE" : "INSERT")),
            run,
            "trace holds the settlement's writes",
            s.names());
      }
    }
  }

  // ---- slow variants: findings, snippets, a flame graph that names the cause ----

  /** Cause frame per story: what the flame graph of the slow run must be dominated by. */
  static final Map<String, String> CAUSE =
      Map.of(
          "reference-data",
          "ReferenceData.fetch",
          // The job thread waiting on its GETs, and Netty's event loop writing them for it (its
          // share
          // differs between platform and virtual threads; the two together do not).
          "customer-lookup",
          "Customers.get|io.netty.",
          "client-report",
          "PgPreparedStatement.executeQuery",
          "partner-sync",
          "HttpClientImpl.send",
          "invoice-export",
          "com.fasterxml.jackson",
          // Contended runs wait in their UPDATEs and in the SELECTs they run while holding row
          // locks;
          // how the wait splits between the two varies from run to run, the wait in the database
          // not.
          SETTLEMENT,
          "PgPreparedStatement.execute");

  /** Finding per story that the slow run must carry and the fixed run must not. */
  static final Map<String, String> FINDING =
      Map.of(
          "reference-data",
          "repeated_call",
          "customer-lookup",
          "repeated_sequence",
          "client-report",
          "slow_query",
          "partner-sync",
          "slow_http",
          "invoice-export",
          "cpu_hotspot",
          PRICE_IMPORT,
          "large_payload");

  @Test
  void slowRunsCarryTheirFindingAndFixedRunsDoNot() {
    FINDING.forEach(
        (job, kind) -> {
          Trace slow = only(job + "/slow");
          check(
              slow.job().findingKinds().contains(kind),
              job + "/slow",
              "carries a " + kind + " finding",
              slow.job().findingKinds());
          Trace fixed = only(job + "/fixed");
          check(
              !fixed.job().findingKinds().contains(kind),
              job + "/fixed",
              "carries no " + kind + " finding",
              fixed.job().findingKinds());
        });
    // The partner calls' missing timeouts are named, beside the slow calls.
    check(
        only("partner-sync/slow").job().findingKinds().contains("no_timeout"),
        "partner-sync/slow",
        "carries a no_timeout finding",
        only("partner-sync/slow").job().findingKinds());
    check(
        !only("partner-sync/fixed").job().findingKinds().contains("no_timeout"),
        "partner-sync/fixed",
        "carries no no_timeout finding",
        only("partner-sync/fixed").job().findingKinds());
    List<List<String>> settlementKinds = new ArrayList<>();
    for (Trace slow : RUNS.get(SETTLEMENT + "/slow")) {
      TraceSpan job = slow.job();
      check(
          job.longAttr("jobtrace.time.db_ms") > job.durationMillis() * 7 / 10,
          SETTLEMENT + "/slow",
          "spends most of its time waiting on the database",
          job.attributes);
      settlementKinds.add(job.findingKinds());
    }
    // At this scale (200 payments a run) the run that takes the row locks first may wait for the
    // others less than the finding's 500 ms; the runs queued behind it do not.
    check(
        settlementKinds.stream().filter(k -> k.contains("contention")).count() >= 2,
        SETTLEMENT + "/slow",
        "at least two of the three at once carry a contention finding",
        settlementKinds);
    for (Trace run :
        concat(
            List.of(SETTLEMENT_ALONE.get("slow"), SETTLEMENT_ALONE.get("fixed")),
            RUNS.get(SETTLEMENT + "/fixed"))) {
      check(
          !run.job().findingKinds().contains("contention"),
          SETTLEMENT + " " + run.job().name,
          "alone, or writing the ledger, carries no contention finding",
          run.job().findingKinds());
    }
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * Application frame and library per story that the slow run's hot-frames line must name, with at
   * least 30% of its samples: the line says what to read in the code, not where the JDK waits.
   */
  static final Map<String, String> HOT =
      Map.of(
          "reference-data",
          "ReferenceData.fetch \\d+% \\(waiting in Lettuce\\)",
          "customer-lookup",
          "CustomerLookupJob\\$Customers.get \\d+% \\(waiting in Lettuce\\)",
          "client-report",
          "ClientReportJob.report \\d+% \\(waiting in PostgreSQL JDBC\\)",
          "partner-sync",
          "PartnerSyncJob.slow \\d+% \\(waiting in HttpClient\\)",
          "invoice-export",
          "InvoiceExportJob.slow \\d+% \\(in Jackson\\)",
          SETTLEMENT,
          "WalletSettlementJob.settle \\d+% \\(waiting in PostgreSQL JDBC\\)");

  @Test
  void slowRunsHotFramesNameTheApplicationFrameAndWhatItWaitsIn() {
    HOT.forEach(
        (job, entry) -> {
          for (Trace trace : RUNS.get(job + "/slow")) {
            String hot = trace.job().attr("jobtrace.profile.hot");
            System.out.println("hot frames of " + job + "/slow: " + hot);
            Matcher m =
                Pattern.compile(entry.replace("\\d+", "(\\d+)")).matcher(hot == null ? "" : hot);
            check(
                m.find() && Integer.parseInt(m.group(1)) >= 30,
                job + "/slow",
                "hot frames name " + entry.replace("\\", "") + " with at least 30%",
                hot);
          }
        });
  }

  @Test
  void aSpringBatchReportsSlowQueryIsNamedOnItsJobAndItsReadStepHoldsTheTime() throws Exception {
    String run = "client-report-batch/slow";
    Trace slow = BATCH.get("slow");
    TraceSpan job = slow.job();
    check(
        job.name.equals("client-report-batch")
            && "spring-batch".equals(job.attr("jobtrace.job.system")),
        run,
        "the Spring Batch job is a job span of its own",
        job);
    check(
        "COMPLETED".equals(job.attr("jobtrace.job.status")),
        run,
        "the job completed",
        job.attributes);
    check(
        job.findingKinds().contains("slow_query"),
        run,
        "carries a slow_query finding",
        job.findingKinds());
    check(
        job.longAttr("jobtrace.calls.db") == 91,
        run,
        "counts its 90 batch queries and the publish step's insert, none of the job repository's",
        job.attributes);
    check(
        job.longAttr("jobtrace.job.bookkeeping_calls") > 0,
        run,
        "counts the job repository's calls apart",
        job.attributes);
    TraceSpan read = slow.first(s -> "read-invoices".equals(s.attr("jobtrace.step.name")));
    check(
        read != null && job.spanId.equals(read.parentSpanId),
        run,
        "the read step is under the job span",
        slow.names());
    check(
        read.longAttr("jobtrace.step.read_ms") > read.durationMillis() * 7 / 10,
        run,
        "the step's time is its reads",
        read.attributes);
    check(
        slow.spans.stream()
            .filter(s -> s.name.startsWith("SELECT"))
            .allMatch(s -> read.spanId.equals(s.parentSpanId)),
        run,
        "the batch queries are under the read step",
        slow.names());
    check(
        read.attr("jobtrace.profile.id") != null,
        run,
        "the slow step carries a profile",
        read.attributes);
    HttpResponse<String> profile = page("/profiles/" + read.attr("jobtrace.profile.id"));
    check(
        profile.statusCode() == 200
            && profile.body().contains("read-invoices")
            && profile.body().contains("slow_query"),
        run,
        "the linker shows the step's profile with the job's finding",
        profile.statusCode() + " " + profile.body());
    Trace fixed = BATCH.get("fixed");
    check(
        !fixed.job().findingKinds().contains("slow_query"),
        "client-report-batch/fixed",
        "carries no slow_query finding",
        fixed.job().findingKinds());
    check(
        "COMPLETED".equals(fixed.job().attr("jobtrace.job.status")),
        "client-report-batch/fixed",
        "the job completed",
        fixed.job().attributes);
  }

  static final List<String> CUSTOMER_SHAPES =
      List.of("GET customer:{id}", "GET customer-locale:{id}");

  /**
   * A job's findings about its calls, most costly first: {@code queue_wait} left out, as it tells
   * what else the queue held (every run is enqueued at once, the fixed ones behind the slow ones),
   * and the findings about the run rather than its calls ({@code cpu_hotspot}, {@code retry},
   * {@code large_payload}).
   */
  static List<TraceSpan.Event> callFindings(TraceSpan job) {
    return job.events(SpanContract.FINDING_EVENT).stream()
        .filter(
            e -> {
              String kind = e.attributes().get(SpanContract.FINDING_KIND.getKey());
              return !List.of(
                      SpanContract.FINDING_KIND_QUEUE_WAIT,
                      SpanContract.FINDING_KIND_CPU_HOTSPOT,
                      SpanContract.FINDING_KIND_RETRY,
                      SpanContract.FINDING_KIND_LARGE_PAYLOAD)
                  .contains(kind);
            })
        .toList();
  }

  static List<String> callFindingKinds(TraceSpan job) {
    return callFindings(job).stream()
        .map(e -> e.attributes().get(SpanContract.FINDING_KIND.getKey()))
        .toList();
  }

  @Test
  void aPerRecordLoopOverEachRecordsOwnKeysIsOneFindingThatNamesTheLoop() throws Exception {
    String run = "customer-lookup/slow";
    Trace slow = only(run);
    List<TraceSpan.Event> findings = callFindings(slow.job());
    Map<String, String> top = findings.isEmpty() ? Map.of() : findings.get(0).attributes();
    check(
        "repeated_sequence".equals(top.get("jobtrace.finding.kind"))
            && String.join(" → ", CUSTOMER_SHAPES).equals(top.get("jobtrace.finding.statement")),
        run,
        "its top finding about its calls is the loop, named by the shapes of its two GETs per record",
        top);
    long gets = slow.job().longAttr("jobtrace.calls.redis");
    check(
        gets >= 10_000 && String.valueOf(gets / 2).equals(top.get("jobtrace.finding.count")),
        run,
        "the finding counts one repetition per record",
        top + " of " + gets + " calls");
    check(
        top.getOrDefault("jobtrace.finding.fix", "").contains("MGET"),
        run,
        "the finding says what batches the loop",
        top);
    check(
        callFindingKinds(slow.job()).equals(List.of("repeated_sequence")),
        run,
        "the loop's GETs get no findings of their own beside it",
        slow.job().findingKinds());
    List<TraceSpan> composites =
        slow.spans.stream().filter(s -> s.attr("jobtrace.composite.shape") != null).toList();
    check(
        composites.stream()
            .map(c -> c.attr("jobtrace.composite.shape"))
            .collect(Collectors.toSet())
            .equals(Set.copyOf(CUSTOMER_SHAPES)),
        run,
        "the GETs fold into composites of those two shapes",
        slow.names());
    check(slow.spans.size() < 100, run, "the trace stays small", slow.spans.size());
    HttpResponse<String> linker = page("/profiles/" + slow.job().attr("jobtrace.profile.id"));
    check(
        linker.body().contains("repeated_sequence")
            && linker.body().contains("Fix: fetch for many records at once"),
        run,
        "the linker's profile page shows the loop's finding with its fix",
        linker.statusCode() + " " + linker.body());
    String fixedRun = "customer-lookup/fixed";
    Trace fixed = only(fixedRun);
    check(
        fixed.any(s -> s.name.contains("MGET")),
        fixedRun,
        "reads each batch with MGETs",
        fixed.names());
    check(
        callFindingKinds(fixed.job()).isEmpty(),
        fixedRun,
        "carries no finding about its calls: its loop is over batches",
        fixed.job().findingKinds());
  }

  @Test
  void jobSpansNameTheirFindingsInSearchableTags() throws Exception {
    for (Map.Entry<String, String> e : FINDING.entrySet()) {
      String run = e.getKey() + "/slow";
      TraceSpan job = only(run).job();
      check(
          "true".equals(job.attr("jobtrace.finding." + e.getValue())),
          run,
          "job span carries the tag jobtrace.finding." + e.getValue() + "=true",
          job.attributes);
      check(
          job.attr("jobtrace.findings") != null
              && List.of(job.attr("jobtrace.findings").split(",")).contains(e.getValue()),
          run,
          "jobtrace.findings lists " + e.getValue(),
          job.attr("jobtrace.findings"));
      check(
          job.attr("jobtrace.finding.top") != null
              && job.attr("jobtrace.finding.top").contains(": "),
          run,
          "jobtrace.finding.top says the most costly finding",
          job.attr("jobtrace.finding.top"));
      List<String> found =
          jaeger.uiTagSearch(
              "example-jobs", "jobtrace.finding." + e.getValue(), "true", Duration.ofMinutes(60));
      check(
          found.contains(job.traceId),
          run,
          "the UI's tag search jobtrace.finding." + e.getValue() + "=true finds the run",
          found);
      String fixed = only(e.getKey() + "/fixed").job().traceId;
      check(
          !found.contains(fixed),
          e.getKey() + "/fixed",
          "the tag search does not find the fixed run",
          found);
    }
  }

  @Test
  void everyEventLiesWithinItsSpanAsTheUiShowsIt() throws Exception {
    int events = 0;
    for (Map.Entry<String, List<Trace>> e : RUNS.entrySet()) {
      for (Trace trace : e.getValue()) {
        for (JsonNode span : jaeger.uiTrace(trace.job().traceId).path("spans")) {
          long start = span.path("startTime").asLong();
          long end = start + span.path("duration").asLong();
          for (JsonNode log : span.path("logs")) {
            long at = log.path("timestamp").asLong();
            events++;
            check(
                at >= start && at <= end,
                e.getKey(),
                "event of span "
                    + span.path("operationName").asText()
                    + " within its bounds ["
                    + start
                    + ", "
                    + end
                    + "] µs",
                at);
          }
        }
      }
    }
    check(events > 0, "all runs", "the runs' spans carry events (findings, profiles)", events);
  }

  /** Where each JVM's run leaves its cause shares, for the run on the other JVM to compare. */
  static final Path SHARES = Path.of("target", "e2e-cause-shares");

  @Test
  void slowRunsProfilePagesShowAFlameGraphNamingTheCause() throws Exception {
    Properties shares = new Properties();
    for (String job : CAUSE.keySet()) {
      String run = job + "/slow";
      double lowest = 1;
      for (Trace trace : RUNS.get(run)) {
        TraceSpan span = trace.job();
        String id = span.attr("jobtrace.profile.id");
        check(
            id != null,
            run,
            "job span carries a profile snippet",
            span.attr("jobtrace.profile.error"));
        HttpResponse<String> profile = page("/profiles/" + id);
        check(
            profile.statusCode() == 200,
            run,
            "linker's profile page answers 200",
            profile.statusCode() + " " + profile.body());
        check(
            profile.body().contains("/profiles/" + id + "/flamegraph"),
            run,
            "profile page embeds the flame graph",
            profile.body());
        HttpResponse<String> graph = page("/profiles/" + id + "/flamegraph");
        check(
            graph.statusCode() == 200 && graph.body().contains("<canvas"),
            run,
            "flame graph page renders a flame graph",
            graph.statusCode());
        // The graph is drawn from the folded stacks the linker serves: the cause must dominate
        // them.
        double share = share(page("/profiles/" + id + "/folded").body(), CAUSE.get(job));
        check(
            share >= 0.3,
            run,
            "at least 30% of the profile's samples pass through " + CAUSE.get(job),
            String.format(
                "%.0f%%; hot frames: %s", share * 100, span.attr("jobtrace.profile.hot")));
        lowest = Math.min(lowest, share);
      }
      shares.setProperty(job, String.format(Locale.ROOT, "%.3f", lowest));
    }
    // The same story's profile must say the same on every JVM: JobRunr runs jobs on platform
    // threads on JDK 17 and on virtual threads on JDK 21+.
    String jvm = "jdk-" + Runtime.version().feature();
    Files.createDirectories(SHARES);
    try (var out = Files.newBufferedWriter(SHARES.resolve(jvm + ".properties"))) {
      shares.store(
          out, "lowest share of each slow story's profile passing through its cause frame");
    }
    System.out.println("cause shares on " + jvm + ": " + new TreeMap<>(shares));
    try (var others = Files.list(SHARES)) {
      for (Path other : (Iterable<Path>) others::iterator) {
        if (other.getFileName().toString().equals(jvm + ".properties")) {
          continue;
        }
        Properties theirs = new Properties();
        try (var in = Files.newBufferedReader(other)) {
          theirs.load(in);
        }
        for (String job : CAUSE.keySet()) {
          if (theirs.getProperty(job) == null) {
            continue;
          }
          double mine = Double.parseDouble(shares.getProperty(job));
          double their = Double.parseDouble(theirs.getProperty(job));
          check(
              Math.abs(mine - their) <= 0.10,
              job + "/slow",
              "passes through "
                  + CAUSE.get(job)
                  + " within 10 points of the run in "
                  + other.getFileName(),
              String.format("%.0f%% here on %s, %.0f%% there", mine * 100, jvm, their * 100));
        }
      }
    }
  }

  /**
   * Share of the folded stacks' samples whose stack contains {@code frame} (or one of {@code a|b}).
   */
  static double share(String folded, String frame) {
    String[] anyOf = frame.split("\\|");
    long all = 0;
    long hit = 0;
    for (String line : folded.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long n = Long.parseLong(line.substring(space + 1).trim());
      all += n;
      String stack = line.substring(0, space);
      if (Arrays.stream(anyOf).anyMatch(stack::contains)) {
        hit += n;
      }
    }
    return all == 0 ? 0 : (double) hit / all;
  }

  @Test
  void fixedRunsAreFaster() {
    for (String job : CAUSE.keySet()) {
      long slow =
          RUNS.get(job + "/slow").stream()
              .mapToLong(t -> t.job().durationMillis())
              .max()
              .orElseThrow();
      long fixed =
          RUNS.get(job + "/fixed").stream()
              .mapToLong(t -> t.job().durationMillis())
              .max()
              .orElseThrow();
      System.out.printf("%-18s slow %6d ms   fixed %6d ms%n", job, slow, fixed);
      check(
          fixed < slow,
          job + "/fixed",
          "is faster than the slow run (" + slow + " ms)",
          fixed + " ms");
    }
  }

  // ---- the dashboard: which job is slow, from Prometheus, Jaeger's Monitor API and the jobs page

  static String prometheusQuery(String promql) {
    return topology.prometheusUrl()
        + "/api/v1/query?query="
        + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** "job/variant" → the job name of its runs' spans (and metrics). */
  static Map<String, String> jobNames() {
    Map<String, String> out = new LinkedHashMap<>();
    RUNS.forEach((run, traces) -> out.put(run, traces.get(0).job().attr("jobtrace.job.name")));
    return out;
  }

  @Test
  void prometheusAnswersEveryJobsP95WithExemplarsOfTracesJaegerHas() throws Exception {
    Map<String, String> names = jobNames();
    String p95 =
        "histogram_quantile(0.95, sum by (jobtrace_job_name, le)"
            + " (jobtrace_job_duration_seconds_bucket{job=\"example-jobs\"}))";
    Map<String, Double> byName = new TreeMap<>();
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      byName.clear();
      for (JsonNode r : jaeger.get(prometheusQuery(p95)).path("data").path("result")) {
        byName.put(
            r.path("metric").path("jobtrace_job_name").asText(),
            r.path("value").path(1).asDouble());
      }
      if (byName.keySet().containsAll(names.values())) {
        break;
      }
      Thread.sleep(1000);
    }
    for (var run : names.entrySet()) {
      Double seconds = byName.get(run.getValue());
      check(
          seconds != null && seconds > 0 && !seconds.isNaN(),
          run.getKey(),
          "Prometheus answers the p95 of " + run.getValue(),
          byName);
      long end = Instant.now().getEpochSecond();
      JsonNode exemplars =
          jaeger.get(
              topology.prometheusUrl()
                  + "/api/v1/query_exemplars?query="
                  + java.net.URLEncoder.encode(
                      "jobtrace_job_duration_seconds_bucket{jobtrace_job_name=\""
                          + run.getValue()
                          + "\"}",
                      java.nio.charset.StandardCharsets.UTF_8)
                  + "&start="
                  + (end - 3600)
                  + "&end="
                  + (end + 60));
      List<JsonNode> found = new ArrayList<>();
      exemplars.path("data").forEach(series -> series.path("exemplars").forEach(found::add));
      check(!found.isEmpty(), run.getKey(), "its duration histogram has exemplars", exemplars);
      for (JsonNode e : found) {
        String traceId = e.path("labels").path("trace_id").asText();
        String spanId = e.path("labels").path("span_id").asText();
        Trace trace = jaeger.trace(traceId);
        check(
            trace != null
                && trace.any(
                    s ->
                        s.spanId.equals(spanId)
                            && run.getValue().equals(s.attr("jobtrace.job.name"))),
            run.getKey(),
            "the exemplar " + traceId + "-" + spanId + " is a job span of that job in Jaeger",
            trace);
      }
    }
  }

  @Test
  void jaegersMonitorApiServesEveryJobOperation() throws Exception {
    // The Monitor tab's latency chart: JobRunr job spans are CONSUMER spans.
    Set<String> operations = new java.util.TreeSet<>();
    List<String> expected = new ArrayList<>();
    RUNS.values().forEach(traces -> expected.add(traces.get(0).job().name));
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline) && !operations.containsAll(expected)) {
      operations.clear();
      JsonNode body =
          jaeger.get(
              topology.jaegerUrl()
                  + "/api/metrics/latencies?service=example-jobs&quantile=0.95"
                  + "&groupByOperation=true&spanKind=consumer&endTs="
                  + System.currentTimeMillis()
                  + "&lookback=3600000&step=5000&ratePer=60000");
      for (JsonNode metric : body.path("metrics")) {
        for (JsonNode label : metric.path("labels")) {
          if (label.path("name").asText().equals("operation")) {
            operations.add(label.path("value").asText());
          }
        }
      }
      Thread.sleep(1000);
    }
    check(
        operations.containsAll(expected),
        "monitor",
        "/api/metrics/latencies names every job operation " + expected,
        operations);
  }

  @Test
  void theJobsPageRanksEachSlowVariantAboveItsFixedOneAndLinksTheirProfiles() throws Exception {
    Map<String, String> names = jobNames();
    String body = "";
    List<String> ranked = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      body = page("/?window=1h").body();
      ranked.clear();
      Matcher m = Pattern.compile("<tr class='job' data-job='([^']*)'").matcher(body);
      while (m.find()) {
        ranked.add(m.group(1));
      }
      if (ranked.containsAll(names.values())) {
        break;
      }
      Thread.sleep(1000);
    }
    check(ranked.containsAll(names.values()), "jobs page", "ranks every job", body);
    for (String job : RUNS.keySet()) {
      if (!job.endsWith("/slow")) {
        continue;
      }
      String story = job.substring(0, job.length() - "/slow".length());
      if (story.equals(PRICE_IMPORT)) {
        continue;
      }
      String slow = names.get(story + "/slow");
      String fixed = names.get(story + "/fixed");
      double slowP95 = p95Of(body, slow);
      double fixedP95 = p95Of(body, fixed);
      // Within one bucket of the histogram the two read the same p95: a tie, not a wrong order.
      check(
          slowP95 > fixedP95 ? ranked.indexOf(slow) < ranked.indexOf(fixed) : slowP95 == fixedP95,
          story,
          "the jobs page ranks the slow variant (p95 " + slowP95 + " s) above the fixed one",
          ranked + " fixed p95 " + fixedP95 + " s");
      check(
          slowP95 >= fixedP95,
          story,
          "the slow variant's p95 is not below the fixed one's",
          fixedP95);
      Matcher profile =
          Pattern.compile("href='/profiles/([0-9a-f]{32}-[0-9a-f]{16})'").matcher(row(body, slow));
      check(
          profile.find(),
          story + "/slow",
          "its row links a slowest run's profile",
          row(body, slow));
      HttpResponse<String> opened = page("/profiles/" + profile.group(1));
      String simpleName = slow.substring(slow.lastIndexOf('.', slow.lastIndexOf('.') - 1) + 1);
      check(
          opened.statusCode() == 200
              && opened
                  .body()
                  .contains(slow.substring(slow.lastIndexOf('.', slow.length() - 6) + 1)),
          story + "/slow",
          "the slowest run's profile page opens on that job",
          opened.statusCode());
    }
  }

  static String row(String page, String job) {
    int at = page.indexOf("<tr class='job' data-job='" + job + "'");
    return at < 0 ? "" : page.substring(at, page.indexOf("</tr>", at));
  }

  static double p95Of(String page, String job) {
    Matcher m = Pattern.compile("data-p95-seconds='([0-9.]+)'").matcher(row(page, job));
    check(m.find(), job, "has a p95 on the jobs page", row(page, job));
    return Double.parseDouble(m.group(1));
  }
}
