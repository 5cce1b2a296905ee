package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.Ports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Jaeger UI (built by scripts/build-jaeger-ui.sh, served by the project's Jaeger with the
 * repository's configuration) fed by a worker under the built agent, driven in Chromium as a user
 * would: search the service, open the trace, expand the job span, follow its profile link to the
 * linker. Screenshots of each step go to target/jaeger-ui-screenshots/, with what the page showed
 * in observations.txt beside them.
 */
class JaegerUiIT {

  static final String SERVICE = "jaeger-ui-test-worker";
  static final Path SHOTS = Path.of("target", "jaeger-ui-screenshots");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  static HttpServer partner;
  static LinkerServer linker;
  static LocalJaeger jaeger;
  static JsonNode job; // the job span, as Jaeger's query API returns it
  static String profileId; // its jobtrace.profile.id: traceId-spanId
  static final List<String> observations = new ArrayList<>();

  /**
   * A per-record loop: for each of six orders, the partner's customer and then the order itself,
   * one call after another; then CPU in SlowWorker's hot frame.
   */
  public static final class ReportJob {
    static final int ORDERS = 6;

    public void run(String partnerUrl) throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      for (int order = 10_001; order < 10_001 + ORDERS; order++) {
        for (String path : new String[] {"/customers/", "/orders/"}) {
          http.send(
              HttpRequest.newBuilder(URI.create(partnerUrl + path + order)).build(),
              HttpResponse.BodyHandlers.ofString());
        }
      }
      SlowWorker.InvoiceExportJob.serializeInvoices(1500);
    }

    public static void main(String[] args) throws Exception {
      new ReportJob().run(args[0]);
      System.out.println("done");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    Optional<Path> ui = LocalJaeger.builtUi(repo);
    String notBuilt =
        "JaegerUiIT skipped: the real Jaeger UI is not built; build it once (npm, a few minutes) with"
            + " scripts/build-jaeger-ui.sh [a jaeger-ui git checkout or bare mirror; without one it clones"
            + " https://github.com/jaegertracing/jaeger-ui at the tag of the pinned Jaeger]";
    if (ui.isEmpty()) {
      System.err.println(
          notBuilt); // a class skipped in @BeforeAll leaves no trace in Maven's summary
    }
    assumeTrue(ui.isPresent(), notBuilt);

    // The partner answers after 150 ms: two calls per order, six orders, are a repeated_sequence
    // finding on the job span.
    partner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    partner.createContext(
        "/",
        exchange -> {
          try {
            Thread.sleep(150);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "{\"total\":42}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    partner.setExecutor(Executors.newCachedThreadPool());
    partner.start();

    // The UI configuration's profile link must point at this linker, so the linker comes first,
    // pointed at the port Jaeger is then started on.
    int queryPort = Ports.free();
    linker =
        new LinkerServer(TestOptions.of("http://127.0.0.1:" + queryPort, Duration.ofSeconds(5)));
    jaeger =
        LocalJaeger.start(
            repo,
            queryPort,
            Ports.free(),
            Files.createTempFile("jaeger", ".log"),
            ui.get(),
            LocalJaeger.uiConfigLinkingTo(repo, linker.port()));
    runWorker();
    job = LinkerIT.awaitJobSpan(jaeger, SERVICE);
    profileId = LinkerIT.attr(job, "jobtrace.profile.id");
    assertThat(profileId)
        .as("jobtrace.profile.id of the job span")
        .matches("[0-9a-f]{32}-[0-9a-f]{16}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (!observations.isEmpty()) {
      Files.createDirectories(SHOTS);
      Files.write(SHOTS.resolve("observations.txt"), observations);
    }
    if (linker != null) {
      linker.close();
    }
    if (jaeger != null) {
      jaeger.close();
    }
    if (partner != null) {
      partner.stop(0);
    }
  }

  @Test
  void fromTheSearchPageThroughTheJobSpanToItsProfile() throws Exception {
    String traceId = profileId.substring(0, 32);
    String jobName = job.path("name").asText();
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      try {
        walk(chromium, traceId, jobName);
      } catch (Exception | AssertionError e) {
        // Where it stopped, to see what the UI showed instead.
        try {
          chromium.screenshot(SHOTS.resolve("failed.png"));
          Files.writeString(
              SHOTS.resolve("failed.html"),
              chromium.evaluate("document.documentElement.outerHTML").asText());
        } catch (Exception shot) {
          e.addSuppressed(shot);
        }
        throw e;
      }
    }
  }

  /** The steps of the test, each with a screenshot and a note of what the page showed. */
  private static void walk(HeadlessChromium chromium, String traceId, String jobName)
      throws Exception {
    chromium.viewport(1400, 1000);

    // The search page: pick the service in the Service field, as a user types it, and search.
    chromium.open(jaeger.queryUrl() + "/search");
    String service =
        "document.querySelector(\".SearchTracePage--find .ant-select[name='service']\")";
    chromium.waitFor(
        service + " && !" + service + ".classList.contains('ant-select-disabled')", WAIT);
    chromium.click(service);
    chromium.type(SERVICE);
    chromium.click(find(".ant-select-item-option", "o => o.textContent.trim() === " + js(SERVICE)));
    chromium.waitFor(
        service + ".querySelector('.ant-select-content-value')?.title === " + js(SERVICE), WAIT);
    chromium.click("document.querySelector('.SearchForm--submit:not([disabled])')");
    String result =
        chromium.waitFor("document.querySelector('.ResultItem')?.innerText", WAIT).asText();
    chromium.screenshot(SHOTS.resolve("1-search-results.png"));
    note("1 search results", result);
    assertThat(result).contains(SERVICE).contains(jobName);

    // The trace: the result's title links to it.
    chromium.click("document.querySelector('.ResultItem a')");
    chromium.waitFor(
        "location.pathname === '/trace/"
            + traceId
            + "' && document.querySelectorAll('.span-name').length > 0",
        WAIT);
    List<String> rows = new ArrayList<>();
    chromium
        .evaluate(
            "[...document.querySelectorAll('.span-name')].map(e => e.innerText.replace(/\\s+/g, ' '))")
        .forEach(r -> rows.add(r.asText()));
    chromium.screenshot(SHOTS.resolve("2-trace.png"));
    note("2 trace view rows", String.join("\n", rows));
    note(
        "2 trace header",
        chromium.evaluate("document.querySelector('.TracePageHeader')?.innerText").asText());
    assertThat(rows).anySatisfy(r -> assertThat(r).contains(jobName));

    // The job span expanded, its tags opened: the profile id is a link to the linker.
    chromium.click(
        find(
            ".span-name",
            "e => e.querySelector('.endpoint-name')?.textContent === " + js(jobName)));
    chromium.click(
        find(
            ".detail-info-wrapper .AccordianKeyValues--header",
            "h => h.textContent.trim().startsWith('Tags')"));
    String link =
        "[...document.querySelectorAll('.detail-info-wrapper .KeyValueTable--row')]"
            + ".find(r => r.querySelector('.KeyValueTable--keyColumn').textContent === 'jobtrace.profile.id')?.querySelector('a')";
    chromium.waitFor(link, WAIT);
    String href = chromium.evaluate(link + ".href").asText();
    note(
        "3 profile link",
        "href "
            + href
            + "\ntitle "
            + chromium.evaluate(link + ".title").asText()
            + "\ntarget "
            + chromium.evaluate(link + ".target").asText()
            + "\ntext "
            + chromium.evaluate(link + ".innerText").asText());
    note(
        "3 tags table",
        chromium
            .evaluate(
                "[...document.querySelectorAll('.detail-info-wrapper .KeyValueTable--row')]"
                    + ".map(r => r.querySelector('.KeyValueTable--keyColumn').textContent + ' = '"
                    + " + r.querySelector('.KeyValueTable--valueColumn .ub-inline-block').innerText).join('\\n')")
            .asText());
    String logs = "document.querySelector('.detail-info-wrapper .AccordianLogs')";
    String logsHeader =
        chromium
            .evaluate(
                logs + "?.querySelector('.AccordianLogs--header strong').textContent ?? 'no logs'")
            .asText();
    note("3 logs header", logsHeader);
    String listed =
        chromium
            .evaluate(logs + "?.querySelector('.AccordianLogs--content')?.innerText ?? ''")
            .asText();
    note("3 logs listed", listed);
    chromium.viewport(1400, 1100);
    chromium.screenshot(SHOTS.resolve("3-job-span.png"));
    assertThat(href).isEqualTo("http://localhost:" + linker.port() + "/profiles/" + profileId);
    // As many logs as the span has events in Jaeger's API: at least the repeated_sequence finding
    // and the profile, and more findings when the profile says where the job's CPU went. "Logs (1
    // of 2)" would be the UI hiding an event it takes for outside the span (stamped past the span's
    // end as Jaeger truncates it to microseconds).
    List<String> eventNames = new ArrayList<>();
    job.path("events").forEach(e -> eventNames.add(e.path("name").asText()));
    note("3 events in the API", String.join("\n", eventNames));
    assertThat(eventNames).contains("jobtrace.finding", "jobtrace.profile");
    int n = eventNames.size();
    assertThat(logsHeader)
        .as("the job span's events, all within the span")
        .isEqualTo("Logs (" + n + ")");

    // Its logs: every event (findings, jobtrace.profile), all shown and opened.
    chromium.evaluate(
        logs + ".querySelector('.AccordianLogs--header .AccordianLogs--toggle')?.click()");
    String items =
        logs + ".querySelectorAll('.AccordianLogs--content .AccordianKeyValues--header')";
    chromium.waitFor(items + ".length === " + n, WAIT);
    for (int i = 0; i < n; i++) {
      chromium.click(items + "[" + i + "]");
    }
    chromium.waitFor(
        logs + ".querySelectorAll('.AccordianLogs--content .KeyValueTable').length === " + n, WAIT);
    String events = chromium.evaluate(logs + ".innerText").asText();
    note("4 logs, all shown and opened", events);
    chromium.viewport(1400, 1800);
    chromium.screenshot(SHOTS.resolve("4-job-span-logs.png"));
    assertThat(events)
        .contains("jobtrace.finding")
        .contains("repeated_sequence")
        .contains("per record ×6")
        .contains("jobtrace.finding.fix")
        .contains("one bulk request per batch")
        .contains("jobtrace.profile");

    // Following the link (it opens a new tab; here in the same one) lands on the profile page.
    chromium.viewport(1400, 1000);
    chromium.evaluate(link + ".removeAttribute('target')");
    chromium.click(link);
    chromium.waitFor(
        "location.href === " + js(href) + " && document.readyState === 'complete'", WAIT);
    String page = chromium.evaluate("document.body.innerText").asText();
    chromium.screenshot(SHOTS.resolve("5-linker-profile.png"));
    note("5 linker page", page);
    assertThat(chromium.evaluate("document.querySelector('h1').textContent").asText())
        .startsWith("Profile of");
    assertThat(page).contains(SERVICE).contains(jobName);
    assertThat(chromium.evaluate("document.getElementById('flamegraph') !== null").asBoolean())
        .isTrue();

    // And back: the linker's link to the span in Jaeger opens the trace in the real UI.
    String back = chromium.evaluate("document.getElementById('jaeger-link').href").asText();
    chromium.click("document.getElementById('jaeger-link')");
    chromium.waitFor(
        "location.pathname === '/trace/"
            + traceId
            + "' && document.querySelectorAll('.span-name').length > 0",
        WAIT);
    // uiFind: the UI highlights the span the linker's page was about.
    chromium.waitFor(
        "document.querySelectorAll('.span-row.is-matching-filter .span-name').length > 0", WAIT);
    String matching =
        chromium
            .evaluate(
                "[...document.querySelectorAll('.span-row.is-matching-filter .span-name')]"
                    + ".map(e => e.innerText.replace(/\\s+/g, ' ')).join(', ')")
            .asText();
    chromium.screenshot(SHOTS.resolve("6-back-in-jaeger.png"));
    note("6 back in jaeger", back + "\nrows matching the span: " + matching);
    assertThat(back).endsWith("?uiFind=" + profileId.substring(33));
    assertThat(matching).as("the span the back link highlights").contains(jobName);
  }

  /**
   * A script expression: the first element of {@code selector} for which {@code predicate} holds.
   */
  static String find(String selector, String predicate) {
    return "[...document.querySelectorAll(" + js(selector) + ")].find(" + predicate + ")";
  }

  static String js(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * What a step showed, for observations.txt; lines cut at 400 characters (the profile snippet is
   * long).
   */
  static void note(String step, String text) {
    StringBuilder b = new StringBuilder("== ").append(step).append('\n');
    text.lines()
        .forEach(l -> b.append(l.length() > 400 ? l.substring(0, 400) + "…" : l).append('\n'));
    observations.add(b.toString());
  }

  static void runWorker() throws Exception {
    LinkerIT.worker(
            jaeger, SERVICE, ReportJob.class, "dev.jobtrace.linker.it.JaegerUiIT$ReportJob[run]")
        .set("otel.jobtrace.profiler.enabled", "true")
        .arg("http://127.0.0.1:" + partner.getAddress().getPort() + "/partner")
        .run(120);
  }
}
