package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalPrometheus;
import dev.jobtrace.testing.Ports;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The jobs page against the real parts: two deploys of a worker under the built agent (1.0.0 with a
 * slow report job, 1.1.0 with it fixed) export their job metrics through Jaeger's collector to a
 * real Prometheus; the linker ranks the jobs from it and links the slowest runs from its exemplars.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobsPageIT {

  static final String SERVICE = "jobs-page-worker";
  static final String REPORT = "dev.jobtrace.linker.it.VersionedWorker$ReportJob.run";
  static final String CLEANUP = "dev.jobtrace.linker.it.VersionedWorker$CleanupJob.run";
  static final String ROLLUP = "reports.nightly-rollup";
  static final ObjectMapper JSON = new ObjectMapper();

  static LocalJaeger jaeger;
  static Path ui; // the real Jaeger UI, when scripts/build-jaeger-ui.sh has built it
  static LocalPrometheus prometheus;
  static LinkerServer linker;
  static String page;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    int prometheusPort = Ports.free();
    ui = LocalJaeger.builtUi(repo).orElse(null);
    jaeger =
        LocalJaeger.builder(repo)
            .ui(ui, null)
            .prometheus("http://127.0.0.1:" + prometheusPort)
            .spanMetricsFlush(Duration.ofSeconds(1))
            .start();
    prometheus =
        LocalPrometheus.start(
            repo, jaeger.metricsTarget(), Duration.ofSeconds(1), prometheusPort, null);
    deploy("1.0.0", 600);
    // The Monitor tab charts rate(): each operation's span-metrics series must grow after
    // Prometheus has first seen it, so the second deploy waits for the first to be scraped.
    awaitSpanMetricsOfBothJobs();
    deploy("1.1.0", 60);
    var options = TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(5));
    TestOptions.prometheus(options, prometheus.url());
    linker = new LinkerServer(options);
    page = awaitRanking();
  }

  @AfterAll
  static void stop() throws Exception {
    if (linker != null) {
      linker.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (jaeger != null) {
      jaeger.close();
    }
  }

  /** Five runs of the report job taking {@code millis} each, under {@code service.version}. */
  static void deploy(String version, long millis) throws Exception {
    AgentProcess.Result result =
        AgentProcess.of(VersionedWorker.class.getName(), jaeger.otlpEndpoint())
            .classPath(workerClassPath())
            .set("otel.service.name", SERVICE)
            // The rollup fires 3 s late; the default minimum is above the polling frameworks'.
            .set("otel.jobtrace.analysis.queue-wait.min", "1s")
            .set("otel.resource.attributes", "service.version=" + version)
            // Longer than the 1 s scrape: an exemplar is served until the next export replaces it.
            .set("otel.metric.export.interval", "3000")
            .set(
                "otel.jobtrace.jobs",
                REPORT.replace(".run", "[run]") + ";" + CLEANUP.replace(".run", "[run]"))
            .arg(Long.toString(millis))
            .arg("5")
            .run(120);
    assertThat(result.output).contains("done");
  }

  /** The worker's classes and Quartz, with what Quartz needs (slf4j). */
  static String workerClassPath() {
    List<String> entries = new ArrayList<>();
    entries.add(System.getProperty("jobtrace.test.classes"));
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (e.contains("/org/quartz-scheduler/") || e.contains("/org/slf4j/")) {
        entries.add(e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  static void awaitSpanMetricsOfBothJobs() throws Exception {
    String query =
        prometheus.url()
            + "/api/v1/query?query="
            + enc(
                "count by (span_name) (traces_span_metrics_calls_total{service_name=\""
                    + SERVICE
                    + "\"})");
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      JsonNode result = JSON.readTree(LinkerIT.get(query).body()).path("data").path("result");
      if (result.size() >= 2) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Prometheus never scraped the first deploy's span metrics");
  }

  /** Runs of every job across both deploys: five reports, two cleanups and one rollup each. */
  static final int ALL_RUNS = 2 * (5 + 2 + 1);

  /**
   * The page once Prometheus holds every run of both deploys. Jaeger's collector hands a worker's
   * last metrics on a moment after the worker exits, so a scrape can hold the report job's runs and
   * not yet the others': the page is read only after Prometheus itself counts all of them.
   */
  static String awaitRanking() throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    String query =
        prometheus.url()
            + "/api/v1/query?query="
            + enc(
                "sum("
                    + SpanContract.PROM_JOB_DURATION
                    + "_count{"
                    + SpanContract.PROM_LABEL_SERVICE
                    + "=\""
                    + SERVICE
                    + "\"})");
    double counted = 0;
    while (Instant.now().isBefore(deadline) && counted < ALL_RUNS) {
      JsonNode result = JSON.readTree(LinkerIT.get(query).body()).path("data").path("result");
      counted = result.size() == 0 ? 0 : result.get(0).path("value").path(1).asDouble();
      if (counted < ALL_RUNS) {
        Thread.sleep(250);
      }
    }
    assertThat(counted).as("runs Prometheus holds of both deploys").isEqualTo(ALL_RUNS);
    String body = "";
    while (Instant.now().isBefore(deadline)) {
      body = LinkerIT.get(url("/")).body();
      Row report = row(body, REPORT);
      if (report != null && report.cell("runs").equals("10") && body.contains("1.1.0: p95")) {
        return body;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the jobs page never showed both deploys' ten runs:\n" + body);
  }

  static String url(String path) {
    return "http://127.0.0.1:" + linker.port() + path;
  }

  @Test
  @Order(1)
  void ranksTheJobsByP95AndCountsRunsAndFailures() {
    List<String> ranked = new ArrayList<>();
    Matcher m = Pattern.compile("<tr class='job' data-job='([^']*)'").matcher(page);
    while (m.find()) {
      ranked.add(m.group(1).replace("&#39;", "'").replace("&amp;", "&"));
    }
    assertThat(ranked).containsExactlyInAnyOrder(REPORT, CLEANUP, ROLLUP);
    assertThat(ranked.get(0)).isEqualTo(REPORT);
    Row report = row(page, REPORT);
    Row cleanup = row(page, CLEANUP);
    assertThat(report.p95Seconds()).isGreaterThan(cleanup.p95Seconds());
    assertThat(report.cell("failed")).isEqualTo("0");
    // Each deploy's cleanup failed once and succeeded once.
    assertThat(cleanup.cell("runs")).isEqualTo("4");
    assertThat(cleanup.cell("failed")).isEqualTo("2 (50%)");
    assertThat(report.cell("trend")).isEqualTo("new");
  }

  @Test
  @Order(1)
  void splitsTheSlowDeployFromTheFixedOneWithTheirRatio() {
    Row report = row(page, REPORT);
    String versions = report.cell("versions");
    assertThat(versions.indexOf("1.0.0: p95")).isLessThan(versions.indexOf("1.1.0: p95"));
    assertThat(versions).contains("5 runs");
    Matcher ratio = Pattern.compile("1\\.1\\.0 / 1\\.0\\.0: ([0-9.]+)×").matcher(versions);
    assertThat(ratio.find()).as(versions).isTrue();
    double before = versionP95(versions, "1.0.0");
    double after = versionP95(versions, "1.1.0");
    // The ratio is the fixed deploy's p95 over the slow one's, as the page shows them; 60 ms runs
    // against 600 ms ones are far below 1 whatever the machine's load adds to either.
    Matcher exact = Pattern.compile("class='ratio-value'>([0-9.]+)<").matcher(versions);
    assertThat(exact.find()).as(versions).isTrue();
    assertThat(Double.parseDouble(exact.group(1))).isCloseTo(after / before, within(1e-4));
    assertThat(Double.parseDouble(ratio.group(1))).isCloseTo(after / before, within(0.005));
    assertThat(after / before).isLessThan(0.7);
  }

  @Test
  @Order(1)
  void aJobThatWaitsLongerThanItRunsSaysSoOnThePageAndOnItsSpans() throws Exception {
    // The rollup fires 3 s late and runs 50 ms: its p95 queue latency is over its p95 run. The
    // report job runs right away.
    Row rollup = row(page, ROLLUP);
    assertThat(rollup).as(page).isNotNull();
    assertThat(rollup.cell("runs")).isEqualTo("2");
    assertThat(rollup.cell("queue")).contains("waits longer than it runs");
    Matcher queue = Pattern.compile("^([0-9.]+) s").matcher(rollup.cell("queue"));
    assertThat(queue.find()).as(rollup.cell("queue")).isTrue();
    assertThat(Double.parseDouble(queue.group(1)))
        .isGreaterThanOrEqualTo(VersionedWorker.LATE_BY_MILLIS / 1000.0)
        .isGreaterThan(rollup.p95Seconds());
    assertThat(row(page, REPORT).cell("queue")).doesNotContain("waits longer");
    // Each of its two runs carries the queue_wait finding, found in Jaeger by the tag a user
    // searches for.
    String search =
        jaeger.queryUrl()
            + "/api/traces?service="
            + enc(SERVICE)
            + "&operation="
            + enc(ROLLUP)
            + "&tags="
            + enc("{\"jobtrace.finding.queue_wait\":\"true\"}")
            + "&lookback=1h&limit=20";
    JsonNode traces = JSON.readTree(LinkerIT.get(search).body()).path("data");
    assertThat(traces.size()).as(search).isEqualTo(2);
  }

  @Test
  @Order(1)
  void theSlowestRunsLinkToJobSpansThatJaegerAndTheProfilePagesKnow() throws Exception {
    Row report = row(page, REPORT);
    Matcher link =
        Pattern.compile("href='/profiles/([0-9a-f]{32})-([0-9a-f]{16})'").matcher(report.html);
    assertThat(link.find()).as(report.html).isTrue();
    String traceId = link.group(1);
    String spanId = link.group(2);
    // The slowest run is one of 1.0.0's 600 ms runs.
    assertThat(report.html).contains("<div class='run'>");
    HttpResponse<String> trace = LinkerIT.get(jaeger.queryUrl() + "/api/v3/traces/" + traceId);
    assertThat(trace.statusCode()).isEqualTo(200);
    assertThat(trace.body()).contains(spanId).contains(REPORT);
    HttpResponse<String> profile = LinkerIT.get(url("/profiles/" + traceId + "-" + spanId));
    assertThat(profile.statusCode()).isEqualTo(200);
    assertThat(profile.body()).contains("ReportJob.run");
  }

  @Test
  @Order(1)
  void jaegersMonitorTabApiServesTheJobOperations() throws Exception {
    long now = System.currentTimeMillis();
    String query =
        "/api/metrics/calls?service="
            + SERVICE
            + "&groupByOperation=true&spanKind=internal&endTs="
            + now
            + "&lookback=600000&step=5000&ratePer=60000";
    Instant deadline = Instant.now().plusSeconds(60);
    List<String> operations = new ArrayList<>();
    while (Instant.now().isBefore(deadline)
        && operations.stream().noneMatch(o -> o.endsWith("ReportJob.run"))) {
      operations.clear();
      JsonNode body = JSON.readTree(LinkerIT.get(jaeger.queryUrl() + query).body());
      for (JsonNode metric : body.path("metrics")) {
        for (JsonNode label : metric.path("labels")) {
          if (label.path("name").asText().equals("operation")) {
            operations.add(label.path("value").asText());
          }
        }
      }
      Thread.sleep(500);
    }
    assertThat(operations)
        .anyMatch(o -> o.endsWith("ReportJob.run"))
        .anyMatch(o -> o.endsWith("CleanupJob.run"));
  }

  @Test
  @Order(1)
  void aWindowIsChosenAndABadOneIsRefused() throws Exception {
    HttpResponse<String> week = LinkerIT.get(url("/?window=7d&service=" + enc(SERVICE)));
    assertThat(week.statusCode()).isEqualTo(200);
    assertThat(week.body()).contains("over the last 7d").contains(REPORT);
    HttpResponse<String> other = LinkerIT.get(url("/?window=1h&service=" + enc("no such service")));
    assertThat(other.body()).contains("has no runs of jobtrace's job metrics");
    // A service name is a label value in the query, quoted: quotes and backslashes in it stay text.
    HttpResponse<String> quoted =
        LinkerIT.get(url("/?service=" + enc(SERVICE + "\"} or vector(1) or {x=\"\\")));
    assertThat(quoted.statusCode()).isEqualTo(200);
    assertThat(quoted.body()).contains("has no runs of jobtrace's job metrics");
    HttpResponse<String> bad = LinkerIT.get(url("/?window=3y"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("unknown window").contains("1h, 24h or 7d");
  }

  @Test
  @Order(1)
  void withoutPrometheusTheJobsPageSaysSoAndStillListsSlowRuns() throws Exception {
    try (LinkerServer plain =
        new LinkerServer(TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(5)))) {
      HttpResponse<String> r = LinkerIT.get("http://127.0.0.1:" + plain.port() + "/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("Prometheus is not configured").contains(REPORT);
    }
  }

  @Test
  @Order(1)
  void inABrowserTheWindowIsChosenAndTheSlowestRunOpensItsProfile() throws Exception {
    // As a user does: the jobs page, a click on the 24h window, then on the slowest report run's
    // profile link; the linker's page for that span shows its flame graph.
    Path shots = Path.of("target", "jobs-page-screenshots");
    java.nio.file.Files.createDirectories(shots);
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      chromium.viewport(1400, 700);
      chromium.open(url("/"));
      chromium.waitFor(
          "document.querySelector('#ranking tr.job') && document.title", Duration.ofSeconds(30));
      chromium.click(
          "[...document.querySelectorAll('#windows a')].find(a => a.textContent === '24h')");
      chromium.waitFor(
          "document.body.innerText.includes('over the last 24h')"
              + " && document.querySelector('#windows b').textContent === '24h' || null",
          Duration.ofSeconds(30));
      chromium.screenshot(shots.resolve("1-jobs-page.png"));
      String report = "document.querySelector(\"tr.job[data-job='" + REPORT + "']\")";
      assertThat(chromium.evaluate(report + ".querySelector('.versions').innerText").asText())
          .contains("1.0.0: p95")
          .contains("1.1.0 / 1.0.0:");
      chromium.click(report + ".querySelector('a.profile')");
      chromium.waitFor(
          "location.pathname.startsWith('/profiles/')"
              + " && document.title.includes('ReportJob.run') || null",
          Duration.ofSeconds(30));
      assertThat(chromium.evaluate("location.pathname").asText())
          .matches("/profiles/[0-9a-f]{32}-[0-9a-f]{16}");
      chromium.screenshot(shots.resolve("2-slowest-run-profile.png"));
    }
  }

  @Test
  @Order(1)
  void jaegersMonitorTabShowsTheJobsUnderTheirSpanKind() throws Exception {
    // The real UI's Monitor tab, as a user picks the service and the span kind of these jobs
    // (configured job methods: INTERNAL; the tab opens on Server, which shows none of them).
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ui != null, "the real Jaeger UI is not built (scripts/build-jaeger-ui.sh)");
    Path shots = Path.of("target", "jobs-page-screenshots");
    java.nio.file.Files.createDirectories(shots);
    Duration wait = Duration.ofSeconds(60);
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      chromium.viewport(1400, 1000);
      // The tab remembers the last service and span kind a user picked (in the page's local
      // storage): picked here as it stores them, since antd's animated selects drop clicks made
      // while the tab reloads its metrics.
      chromium.open(jaeger.queryUrl() + "/search");
      chromium.evaluate(
          "localStorage.setItem('lastAtmSearchService', "
              + JaegerUiIT.js(JaegerUiIT.js(SERVICE))
              + "), localStorage.setItem('lastAtmSearchSpanKind', "
              + JaegerUiIT.js(JaegerUiIT.js("internal"))
              + "), true");
      chromium.open(jaeger.queryUrl() + "/monitor");
      String service = "document.querySelector('.select-a-service-input')";
      String kind = "document.querySelector('.span-kind-selector')";
      chromium.waitFor(
          service
              + "?.innerText.includes("
              + JaegerUiIT.js(SERVICE)
              + ") && "
              + kind
              + "?.innerText.trim() === 'Internal'",
          wait);
      String table;
      try {
        table =
            chromium
                .waitFor(
                    "(() => { const t = document.querySelector('.operation-table-block ~ .ant-row')"
                        + "?.innerText || ''; return t.includes('ReportJob.run') ? t : null; })()",
                    wait)
                .asText();
      } catch (IllegalStateException notShown) {
        chromium.screenshot(shots.resolve("3-jaeger-monitor-tab-failed.png"));
        throw new AssertionError(
            "the Monitor tab did not list the jobs; it showed:\n"
                + chromium.evaluate("document.body.innerText").asText(),
            notShown);
      }
      chromium.screenshot(shots.resolve("3-jaeger-monitor-tab.png"));
      assertThat(table).contains("CleanupJob.run");
    }
  }

  @Test
  @Order(2)
  void prometheusStoppedIsOneLineAndTheProfilePagesStillAnswer() throws Exception {
    Matcher link = Pattern.compile("href='/profiles/([0-9a-f]{32}-[0-9a-f]{16})'").matcher(page);
    assertThat(link.find()).isTrue();
    prometheus.close();
    HttpResponse<String> r = LinkerIT.get(url("/"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Pattern.compile("id='prometheus'").matcher(r.body()).results().count()).isEqualTo(1);
    assertThat(r.body())
        .contains("Prometheus at " + prometheus.url() + "/ cannot be reached")
        .contains("the slow runs below come from Jaeger")
        .doesNotContain("id='ranking'");
    assertThat(LinkerIT.get(url("/profiles/" + link.group(1))).statusCode()).isEqualTo(200);
  }

  static double versionP95(String versions, String version) {
    Matcher m =
        Pattern.compile(
                "data-version='" + Pattern.quote(version) + "' data-p95-seconds='([0-9.]+)'")
            .matcher(versions);
    assertThat(m.find()).as(version + " in " + versions).isTrue();
    return Double.parseDouble(m.group(1));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** One row of the ranking, by its job name. */
  record Row(String html) {
    String cell(String cls) {
      Matcher m =
          Pattern.compile("<td class='" + cls + "'>(.*?)</td>", Pattern.DOTALL).matcher(html);
      return m.find() ? m.group(1) : null;
    }

    double p95Seconds() {
      Matcher m = Pattern.compile("data-p95-seconds='([0-9.]+)'").matcher(html);
      assertThat(m.find()).as(html).isTrue();
      return Double.parseDouble(m.group(1));
    }
  }

  static Row row(String page, String job) {
    String escaped = job.replace("'", "&#39;");
    int at = page.indexOf("<tr class='job' data-job='" + escaped + "'");
    if (at < 0) {
      return null;
    }
    int end = page.indexOf("</tr>", at);
    return new Row(page.substring(at, end));
  }
}
