package dev.jobtrace.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.linker.JaegerClient;
import dev.jobtrace.linker.TraceSpan;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads traces from Jaeger's query API ({@code /api/v3}, OTLP JSON), as a user's tools would, and
 * as the UI does ({@code /api/traces}); spans are read by the linker's own {@link
 * JaegerClient#spans}.
 */
public final class JaegerQuery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public JaegerQuery(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * Spans of the service's traces that started within {@code lookBack}; {@code operation} may be
   * null.
   */
  public List<TraceSpan> search(String service, String operation, Duration lookBack, int limit)
      throws Exception {
    Instant now = Instant.now();
    return Trace.spans(
        get(
            baseUrl
                + "/api/v3/traces?query.service_name="
                + enc(service)
                + (operation == null ? "" : "&query.operation_name=" + enc(operation))
                + "&query.start_time_min="
                + enc(now.minus(lookBack).toString())
                + "&query.start_time_max="
                + enc(now.plusSeconds(60).toString())
                + "&query.num_traces="
                + limit));
  }

  /** The whole trace; empty when Jaeger does not have it (yet). */
  public Trace trace(String traceId) throws Exception {
    return new Trace(Trace.spans(get(baseUrl + "/api/v3/traces/" + traceId)));
  }

  /**
   * The trace as Jaeger's UI reads it ({@code /api/traces/<id>}): times in microseconds, events as
   * logs. The UI hides a log whose timestamp is outside its span's start and start + duration.
   */
  public JsonNode uiTrace(String traceId) throws Exception {
    return get(baseUrl + "/api/traces/" + traceId).path("data").path(0);
  }

  /** Trace ids the UI's search finds for the service and one tag ({@code key=value}). */
  public List<String> uiTagSearch(String service, String key, String value, Duration lookBack)
      throws Exception {
    long nowMicros = Instant.now().plusSeconds(60).toEpochMilli() * 1000;
    JsonNode r =
        get(
            baseUrl
                + "/api/traces?service="
                + enc(service)
                + "&tags="
                + enc(JSON.writeValueAsString(Map.of(key, value)))
                + "&start="
                + (nowMicros - lookBack.toMillis() * 1000)
                + "&end="
                + nowMicros
                + "&limit=1000");
    List<String> ids = new ArrayList<>();
    for (JsonNode t : r.path("data")) {
      ids.add(t.path("traceID").asText());
    }
    return ids;
  }

  /** GET a JSON answer; an empty object for 404, an AssertionError for any other non-200. */
  JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return JSON.createObjectNode();
    }
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static final class Trace {
    public final List<TraceSpan> spans;

    Trace(List<TraceSpan> spans) {
      this.spans = spans;
    }

    static List<TraceSpan> spans(JsonNode body) {
      return JaegerClient.spans(body);
    }

    public TraceSpan job() {
      return first(s -> s.attr("jobtrace.job.name") != null && s.service.equals("example-jobs"));
    }

    public TraceSpan first(Predicate<TraceSpan> p) {
      return spans.stream().filter(p).findFirst().orElse(null);
    }

    public boolean any(Predicate<TraceSpan> p) {
      return spans.stream().anyMatch(p);
    }

    public TraceSpan byId(String id) {
      return first(s -> s.spanId.equals(id));
    }

    public List<String> names() {
      return spans.stream().map(TraceSpan::toString).distinct().limit(20).toList();
    }
  }
}
