package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The linker against a real Jaeger fed by a real worker under the built agent. */
class LinkerIT {

  static LocalJaeger jaeger;
  static LinkerServer linker;
  static String profiledJob; // profile id of the worker's job span
  static String disabledJob; // profile-less job span: traceId-spanId
  static String craftedTrace;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    jaeger = LocalJaeger.start(Path.of(System.getProperty("jobtrace.repo.dir", "..")));
    runWorker("linker-test-worker", "true");
    runWorker("linker-test-noprofile", "false");
    craftedTrace = hex(16);
    jaeger.sendOtlpJson(craftedSpans(craftedTrace));

    JsonNode job = awaitJobSpan(jaeger, "linker-test-worker");
    profiledJob = attr(job, "jobtrace.profile.id");
    JsonNode plain = awaitJobSpan(jaeger, "linker-test-noprofile");
    disabledJob = plain.path("traceId").asText() + "-" + plain.path("spanId").asText();
    linker = new LinkerServer(TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (linker != null) {
      linker.close();
    }
    if (jaeger != null) {
      jaeger.close();
    }
  }

  static void runWorker(String service, String profiler) throws Exception {
    worker(
            jaeger,
            service,
            SlowWorker.class,
            "dev.jobtrace.linker.it.SlowWorker$InvoiceExportJob[run]")
        .set("otel.jobtrace.profiler.enabled", profiler)
        .run(120);
  }

  /**
   * A worker under the built agent on the linker tests' own class path, exporting to Jaeger, with
   * {@code jobMethod} as its configured job.
   */
  static AgentProcess worker(LocalJaeger jaeger, String service, Class<?> main, String jobMethod) {
    return AgentProcess.of(main.getName(), jaeger.otlpEndpoint())
        .classPath(System.getProperty("jobtrace.test.classes"))
        .set("otel.service.name", service)
        .set("otel.metrics.exporter", "none")
        .set("otel.jobtrace.jobs", jobMethod);
  }

  /** Waits until Jaeger has stored the service's job span (ingestion is asynchronous). */
  static JsonNode awaitJobSpan(LocalJaeger jaeger, String service) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r = get(tracesUrl(jaeger, service, Duration.ofSeconds(600), 20));
      if (r.statusCode() == 200) {
        for (JsonNode span : spans(r.body())) {
          if (attr(span, "jobtrace.job.name") != null) {
            return span;
          }
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no job span of " + service + " in Jaeger");
  }

  /** Jaeger's trace search for the service's traces that started in the last {@code within}. */
  static String tracesUrl(LocalJaeger jaeger, String service, Duration within, int numTraces) {
    Instant now = Instant.now();
    return jaeger.queryUrl()
        + "/api/v3/traces?query.service_name="
        + service
        + "&query.start_time_min="
        + now.minus(within)
        + "&query.start_time_max="
        + now.plusSeconds(60)
        + "&query.num_traces="
        + numTraces;
  }

  /** Every span of a query API answer ({@code result.resourceSpans[].scopeSpans[].spans[]}). */
  static List<JsonNode> spans(String body) throws Exception {
    List<JsonNode> spans = new ArrayList<>();
    for (JsonNode rs : JSON.readTree(body).path("result").path("resourceSpans")) {
      for (JsonNode ss : rs.path("scopeSpans")) {
        ss.path("spans").forEach(spans::add);
      }
    }
    return spans;
  }

  static String attr(JsonNode span, String key) {
    for (JsonNode kv : span.path("attributes")) {
      if (kv.path("key").asText().equals(key)) {
        return kv.path("value").path("stringValue").asText();
      }
    }
    return null;
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> page(String path) throws Exception {
    return get("http://127.0.0.1:" + linker.port() + path);
  }

  static String hex(int bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      sb.append(String.format("%02x", ThreadLocalRandom.current().nextInt(1, 256)));
    }
    return sb.toString();
  }

  static String gzipBase64(byte[] data, int repeat) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < repeat; i++) {
        gz.write(data);
      }
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** Spans no jobtrace would write: hostile names, corrupt and bomb snippets, none at all. */
  static String craftedSpans(String traceId) throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    String bomb = gzipBase64(new byte[1 << 20], 64);
    List<String> spans = new ArrayList<>();
    spans.add(
        span(
            traceId,
            "a000000000000001",
            "",
            "<script>alert('name')</script>",
            now,
            "{\"key\":\"jobtrace.job.name\",\"value\":{\"stringValue\":\"<img src=x onerror=alert(1)>\"}},"
                + "{\"key\":\"db.statement\",\"value\":{\"stringValue\":\"select '<b>bold</b>' from t\"}}",
            "!!! not base64 !!!"));
    spans.add(span(traceId, "a000000000000002", "a000000000000001", "bomb", now, "", bomb));
    spans.add(span(traceId, "a000000000000003", "a000000000000001", "plain", now, "", null));
    spans.add(
        span(
            traceId,
            "a000000000000004",
            "a000000000000001",
            "GET",
            now,
            "{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"GET\"}},"
                + "{\"key\":\"url.full\",\"value\":{\"stringValue\":\"http://partner:8080/orders/17?page=<2>\"}}",
            ProfileSnippetFormat.encode(
                "main;com.acme.PartnerClient.fetch;com.acme.Order.<init> 5\n")));
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"linker-test-crafted\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"test\"},\"spans\":["
        + String.join(",", spans)
        + "]}]}]}";
  }

  static String span(
      String traceId,
      String spanId,
      String parent,
      String name,
      long now,
      String attrs,
      String snippet)
      throws Exception {
    String events =
        snippet == null
            ? ""
            : ",\"events\":[{\"timeUnixNano\":\""
                + (now + 900_000_000L)
                + "\",\"name\":\"jobtrace.profile\",\"attributes\":[{\"key\":\"jobtrace.profile.folded\",\"value\":{\"stringValue\":"
                + JSON.writeValueAsString(snippet)
                + "}}]}]";
    return "{\"traceId\":\""
        + traceId
        + "\",\"spanId\":\""
        + spanId
        + "\",\"parentSpanId\":\""
        + parent
        + "\",\"name\":"
        + JSON.writeValueAsString(name)
        + ",\"kind\":1,\"startTimeUnixNano\":\""
        + now
        + "\",\"endTimeUnixNano\":\""
        + (now + 900_000_000L)
        + "\",\"attributes\":["
        + attrs
        + "]"
        + events
        + "}";
  }

  @Test
  void profilePageShowsTheJobAndItsFlameGraphShowsTheHotFrame() throws Exception {
    HttpResponse<String> page = page("/profiles/" + profiledJob);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("linker-test-worker")
        .contains("SlowWorker$InvoiceExportJob.run")
        .contains(
            "id='jaeger-link' href='"
                + jaeger.queryUrl()
                + "/trace/"
                + profiledJob.substring(0, 32)
                + "?uiFind="
                + profiledJob.substring(33)
                + "'")
        .contains("id='breakdown'")
        .contains("<iframe id='flamegraph' src='/profiles/" + profiledJob + "/flamegraph'>");
    HttpResponse<String> graph = page("/profiles/" + profiledJob + "/flamegraph");
    assertThat(graph.statusCode()).isEqualTo(200);
    assertThat(graph.body()).contains("serializeInvoices").contains("<canvas");
    HttpResponse<String> folded = page("/profiles/" + profiledJob + "/folded");
    assertThat(folded.body())
        .containsPattern("SlowWorker\\$InvoiceExportJob\\.serializeInvoices(_\\[.])? \\d+");
    JsonNode speedscope =
        JSON.readTree(page("/profiles/" + profiledJob + "/speedscope.json").body());
    // The agent keeps the samples' order: one profile per thread, in time order.
    assertThat(speedscope.path("profiles").get(0).path("type").asText()).isEqualTo("evented");
    assertThat(speedscope.path("profiles").get(0).path("name").asText()).isEqualTo("main");
    assertThat(speedscope.path("shared").path("frames").toString())
        .contains("serializeInvoices\"")
        .doesNotContain("_[j]");
  }

  @Test
  void startPageListsTheSlowJobWithItsProfileLink() throws Exception {
    HttpResponse<String> start = page("/");
    assertThat(start.statusCode()).isEqualTo(200);
    assertThat(start.body())
        .contains("SlowWorker$InvoiceExportJob.run")
        .contains("href='/profiles/" + profiledJob + "'");
  }

  @Test
  void malformedIdIs400AndSaysWhatIsExpected() throws Exception {
    HttpResponse<String> r = page("/profiles/not-an-id");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("malformed profile id").contains("32 hex digits");
  }

  @Test
  void unknownTraceOrSpanIs404() throws Exception {
    assertThat(page("/profiles/" + hex(16) + "-" + hex(8)).statusCode()).isEqualTo(404);
    HttpResponse<String> r = page("/profiles/" + profiledJob.substring(0, 32) + "-" + hex(8));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("has no span");
  }

  @Test
  void spanWithoutProfileShowsWhy() throws Exception {
    HttpResponse<String> disabled = page("/profiles/" + disabledJob);
    assertThat(disabled.statusCode()).isEqualTo(200);
    assertThat(disabled.body())
        .contains("profiler disabled (otel.jobtrace.profiler.enabled=false)");
    HttpResponse<String> plain = page("/profiles/" + craftedTrace + "-a000000000000003");
    assertThat(plain.body()).contains("carries no profile snippet");
  }

  @Test
  void aCallsPageNamesTheCallAndLinksBackToTheSpan() throws Exception {
    HttpResponse<String> r = page("/profiles/" + craftedTrace + "-a000000000000004");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("<title>Profile of GET http://partner:8080/orders/17?page=&lt;2&gt;")
        .contains("<code id='call'>GET http://partner:8080/orders/17?page=&lt;2&gt;</code>")
        .contains("/trace/" + craftedTrace + "?uiFind=a000000000000004'");
  }

  @Test
  void corruptAndBombSnippetsAreRefusedAndHostileTextIsShownAsText() throws Exception {
    HttpResponse<String> corrupt = page("/profiles/" + craftedTrace + "-a000000000000001");
    assertThat(corrupt.statusCode()).isEqualTo(422);
    assertThat(corrupt.body())
        .contains("not base64")
        .doesNotContain("<script>alert")
        .contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;")
        .doesNotContain("<img src=x")
        .contains("&lt;img src=x onerror=alert(1)&gt;")
        .doesNotContain("<b>bold</b>");
    long t0 = System.nanoTime();
    HttpResponse<String> bomb = page("/profiles/" + craftedTrace + "-a000000000000002");
    assertThat(bomb.statusCode()).isEqualTo(422);
    assertThat(bomb.body()).contains("inflates to more than 16 MiB");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void jaegerDownIs502AndJaegerSlowIs504WithinTheTimeout() throws Exception {
    try (LinkerServer down =
        new LinkerServer(
            TestOptions.of("http://127.0.0.1:" + Ports.free(), Duration.ofSeconds(2)))) {
      HttpResponse<String> r = get("http://127.0.0.1:" + down.port() + "/profiles/" + profiledJob);
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("cannot be reached");
    }
    HttpServer slow =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    slow.createContext(
        "/",
        exchange -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    slow.start();
    try (LinkerServer linkerToSlow =
        new LinkerServer(
            TestOptions.of(
                "http://127.0.0.1:" + slow.getAddress().getPort(), Duration.ofMillis(700)))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          get("http://127.0.0.1:" + linkerToSlow.port() + "/profiles/" + profiledJob);
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).contains("did not answer within 700 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    } finally {
      slow.stop(0);
    }
  }

  @Test
  void browserRendersTheFlameGraphWithTheHotFrame() throws Exception {
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      String base = "http://127.0.0.1:" + linker.port() + "/profiles/" + profiledJob;
      chromium.open(base + "/flamegraph");
      // The hot frame is among the rendered frames and spans most of the graph's width.
      assertThat(
              chromium
                  .evaluate(
                      "levels.some(l => l.some(f => f.title.includes('serializeInvoices') && f.width / levels[0][0].width > 0.5))")
                  .asBoolean())
          .isTrue();
      long painted =
          chromium
              .evaluate(
                  "(() => { const d = c.getImageData(0, 0, canvas.width, canvas.height).data; let n = 0;"
                      + " for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()")
              .asLong();
      assertThat(painted).as("painted canvas pixels").isGreaterThan(10_000);

      chromium.open(base);
      assertThat(
              chromium
                  .evaluate("document.getElementById('flamegraph').contentDocument.readyState")
                  .asText())
          .isEqualTo("complete");
      assertThat(
              chromium
                  .evaluate(
                      "document.getElementById('flamegraph').contentDocument.querySelector('canvas') !== null")
                  .asBoolean())
          .isTrue();
      Path shot = Path.of("target", "screenshots", "profile-page.png");
      chromium.screenshot(shot);
      assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
  }
}
