package dev.jobtrace.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads traces from Jaeger's query API ({@code /api/v3}, OTLP JSON), as a user's tools would. */
public final class JaegerQuery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public JaegerQuery(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Spans of the service's traces that started within {@code lookBack}; {@code operation} may be null. */
  public List<Span> search(String service, String operation, Duration lookBack, int limit) throws Exception {
    Instant now = Instant.now();
    return Trace.spans(get(baseUrl + "/api/v3/traces?query.service_name=" + enc(service)
        + (operation == null ? "" : "&query.operation_name=" + enc(operation))
        + "&query.start_time_min=" + enc(now.minus(lookBack).toString())
        + "&query.start_time_max=" + enc(now.plusSeconds(60).toString()) + "&query.num_traces=" + limit));
  }

  /** The whole trace; empty when Jaeger does not have it (yet). */
  public Trace trace(String traceId) throws Exception {
    return new Trace(Trace.spans(get(baseUrl + "/api/v3/traces/" + traceId)));
  }

  /**
   * The trace as Jaeger's UI reads it ({@code /api/traces/<id>}): times in microseconds, events
   * as logs. The UI hides a log whose timestamp is outside its span's start and start + duration.
   */
  public JsonNode uiTrace(String traceId) throws Exception {
    return get(baseUrl + "/api/traces/" + traceId).path("data").path(0);
  }

  /** Trace ids the UI's search finds for the service and one tag ({@code key=value}). */
  public List<String> uiTagSearch(String service, String key, String value, Duration lookBack) throws Exception {
    long nowMicros = Instant.now().plusSeconds(60).toEpochMilli() * 1000;
    JsonNode r = get(baseUrl + "/api/traces?service=" + enc(service) + "&tags=" + enc(JSON.writeValueAsString(Map.of(key, value)))
        + "&start=" + (nowMicros - lookBack.toMillis() * 1000) + "&end=" + nowMicros + "&limit=1000");
    List<String> ids = new ArrayList<>();
    for (JsonNode t : r.path("data")) {
      ids.add(t.path("traceID").asText());
    }
    return ids;
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
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

  public static final class Span {
    public final String traceId;
    public final String spanId;
    public final String parentSpanId;
    public final String name;
    public final String kind;
    public final String service;
    public final long startNanos;
    public final long endNanos;
    public final Map<String, String> attrs = new HashMap<>();
    public final List<Map<String, String>> events = new ArrayList<>();

    Span(JsonNode span, String service) {
      traceId = span.path("traceId").asText();
      spanId = span.path("spanId").asText();
      parentSpanId = span.path("parentSpanId").asText("");
      name = span.path("name").asText();
      String k = span.path("kind").asText();
      kind = k.replace("SPAN_KIND_", "").replace("2", "SERVER").replace("3", "CLIENT");
      this.service = service;
      startNanos = span.path("startTimeUnixNano").asLong();
      endNanos = span.path("endTimeUnixNano").asLong();
      read(span.path("attributes"), attrs);
      for (JsonNode e : span.path("events")) {
        Map<String, String> a = new HashMap<>();
        a.put("", e.path("name").asText());
        read(e.path("attributes"), a);
        events.add(a);
      }
    }

    static void read(JsonNode attributes, Map<String, String> into) {
      for (JsonNode kv : attributes) {
        JsonNode v = kv.path("value");
        JsonNode text = v.has("stringValue") ? v.get("stringValue") : v.has("intValue") ? v.get("intValue")
            : v.has("doubleValue") ? v.get("doubleValue") : v.get("boolValue");
        into.put(kv.path("key").asText(), text == null ? v.toString() : text.asText());
      }
    }

    public String attr(String key) {
      return attrs.get(key);
    }

    public long longAttr(String key) {
      String v = attrs.get(key);
      return v == null ? -1 : Long.parseLong(v);
    }

    public long durationMillis() {
      return (endNanos - startNanos) / 1_000_000;
    }

    public boolean isRedis() {
      return "redis".equals(attrs.get("db.system")) || "redis".equals(attrs.get("db.system.name"));
    }

    public List<String> findingKinds() {
      List<String> kinds = new ArrayList<>();
      for (Map<String, String> e : events) {
        if ("jobtrace.finding".equals(e.get(""))) {
          kinds.add(e.get("jobtrace.finding.kind"));
        }
      }
      return kinds;
    }

    @Override
    public String toString() {
      return service + ":" + name + "(" + kind + ")";
    }
  }

  public static final class Trace {
    public final List<Span> spans;

    Trace(List<Span> spans) {
      this.spans = spans;
    }

    public static List<Span> spans(JsonNode body) {
      List<Span> out = new ArrayList<>();
      for (JsonNode rs : body.path("result").path("resourceSpans")) {
        String service = "";
        for (JsonNode kv : rs.path("resource").path("attributes")) {
          if (kv.path("key").asText().equals("service.name")) {
            service = kv.path("value").path("stringValue").asText();
          }
        }
        for (JsonNode ss : rs.path("scopeSpans")) {
          for (JsonNode span : ss.path("spans")) {
            out.add(new Span(span, service));
          }
        }
      }
      return out;
    }

    public Span job() {
      return first(s -> s.attr("jobtrace.job.name") != null && s.service.equals("example-jobs"));
    }

    public Span first(Predicate<Span> p) {
      return spans.stream().filter(p).findFirst().orElse(null);
    }

    public boolean any(Predicate<Span> p) {
      return spans.stream().anyMatch(p);
    }

    public Span byId(String id) {
      return first(s -> s.spanId.equals(id));
    }

    public List<String> names() {
      return spans.stream().map(Span::toString).distinct().limit(20).toList();
    }
  }
}
