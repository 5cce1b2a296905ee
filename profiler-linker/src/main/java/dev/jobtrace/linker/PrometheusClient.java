package dev.jobtrace.linker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agents' job metrics from Prometheus' HTTP API: instant queries and exemplars. Like
 * {@link JaegerClient}, it keeps nothing and waits at most the set timeout.
 */
public final class PrometheusClient {

  static final int MAX_RESPONSE_BYTES = 32 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;

  public PrometheusClient(URI base, Duration timeout) {
    this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public URI base() {
    return base;
  }

  /** One series of an instant vector. */
  public record Sample(Map<String, String> labels, double value) {
    public String label(String name) {
      return labels.getOrDefault(name, "");
    }
  }

  /** An exemplar: the trace and span of one recorded value, and the series it was recorded in. */
  public record Exemplar(
      Map<String, String> series, String traceId, String spanId, double value, Instant at) {}

  /** {@code promql} evaluated at {@code at}; an instant vector (a scalar result is refused). */
  public List<Sample> query(String promql, Instant at) {
    JsonNode data = get("api/v1/query?query=" + enc(promql) + "&time=" + seconds(at));
    if (!data.path("resultType").asText().equals("vector")) {
      throw new Unavailable(
          false, "Prometheus answered a " + data.path("resultType").asText() + ", not a vector");
    }
    List<Sample> out = new ArrayList<>();
    for (JsonNode r : data.path("result")) {
      double value = parse(r.path("value").path(1).asText());
      out.add(new Sample(labels(r.path("metric")), value));
    }
    return out;
  }

  /**
   * Exemplars of the series {@code selector} picks, recorded between {@code from} and {@code to}.
   */
  public List<Exemplar> exemplars(String selector, Instant from, Instant to) {
    JsonNode data =
        get(
            "api/v1/query_exemplars?query="
                + enc(selector)
                + "&start="
                + seconds(from)
                + "&end="
                + seconds(to));
    List<Exemplar> out = new ArrayList<>();
    for (JsonNode series : data) {
      Map<String, String> seriesLabels = labels(series.path("seriesLabels"));
      for (JsonNode e : series.path("exemplars")) {
        JsonNode l = e.path("labels");
        String trace = l.path("trace_id").asText("");
        String span = l.path("span_id").asText("");
        if (trace.isEmpty() || span.isEmpty()) {
          continue;
        }
        double ts = e.path("timestamp").asDouble();
        out.add(
            new Exemplar(
                seriesLabels,
                trace,
                span,
                parse(e.path("value").asText()),
                Instant.ofEpochMilli((long) (ts * 1000))));
      }
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static double parse(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String seconds(Instant t) {
    return String.format(java.util.Locale.ROOT, "%.3f", t.toEpochMilli() / 1000.0);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The answer's {@code data}; throws {@link Unavailable} for anything that went wrong. */
  private JsonNode get(String path) {
    HttpResponse<byte[]> response =
        BackendHttp.get(http, base.resolve(path), timeout, "Prometheus", base, Unavailable::new);
    if (response.body().length > MAX_RESPONSE_BYTES) {
      throw new Unavailable(
          false, "Prometheus' answer is larger than " + (MAX_RESPONSE_BYTES >> 20) + " MiB");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Unavailable(
          false,
          "Prometheus at " + base + " answered HTTP " + response.statusCode() + ", not JSON");
    }
    if (response.statusCode() != 200 || !body.path("status").asText().equals("success")) {
      throw new Unavailable(
          false,
          "Prometheus at "
              + base
              + " answered HTTP "
              + response.statusCode()
              + ": "
              + body.path("error").asText("(no error text)"));
    }
    return body.path("data");
  }

  /** Prometheus could not be asked, or refused the query. */
  public static final class Unavailable extends RuntimeException {
    public final boolean timedOut;

    Unavailable(boolean timedOut, String message) {
      super(message);
      this.timedOut = timedOut;
    }
  }
}
