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
import java.util.List;

/**
 * Reads traces from Jaeger's query API ({@code /api/v3}). The linker keeps nothing of its own:
 * every page is built from what Jaeger returns, within a set timeout.
 */
public final class JaegerClient {

  /** Responses larger than this are refused (a trace of jobtrace's is far smaller). */
  static final int MAX_RESPONSE_BYTES = 64 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final Duration timeout;
  private final HttpClient http;

  public JaegerClient(URI base, Duration timeout) {
    this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The trace's spans; null when Jaeger does not know the trace. */
  public List<TraceSpan> trace(String traceId) {
    JsonNode body = get("api/v3/traces/" + traceId);
    return body == null ? null : spans(body);
  }

  public List<String> services() {
    JsonNode body = get("api/v3/services");
    List<String> out = new ArrayList<>();
    if (body != null) {
      for (JsonNode s : body.path("services")) {
        out.add(s.asText());
      }
    }
    return out;
  }

  /** Traces of a service that started in the window and lasted at least {@code minDuration}. */
  public List<TraceSpan> search(
      String service, Instant from, Instant to, Duration minDuration, int limit) {
    String query =
        "api/v3/traces?query.service_name="
            + enc(service)
            + "&query.start_time_min="
            + enc(from.toString())
            + "&query.start_time_max="
            + enc(to.toString())
            + "&query.duration_min="
            + enc(minDuration.toMillis() + "ms")
            + "&query.num_traces="
            + limit;
    JsonNode body = get(query);
    return body == null ? new ArrayList<>() : spans(body);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The spans of an OTLP JSON answer ({@code result.resourceSpans}), each with its service. */
  public static List<TraceSpan> spans(JsonNode body) {
    List<TraceSpan> out = new ArrayList<>();
    for (JsonNode rs : body.path("result").path("resourceSpans")) {
      String service = "";
      for (JsonNode kv : rs.path("resource").path("attributes")) {
        if (kv.path("key").asText().equals("service.name")) {
          service = kv.path("value").path("stringValue").asText();
        }
      }
      for (JsonNode ss : rs.path("scopeSpans")) {
        for (JsonNode span : ss.path("spans")) {
          out.add(new TraceSpan(service, span));
        }
      }
    }
    return out;
  }

  /**
   * The parsed body, null for 404; throws {@link Unavailable} for anything else that went wrong.
   */
  private JsonNode get(String path) {
    HttpResponse<byte[]> response =
        BackendHttp.get(http, base.resolve(path), timeout, "Jaeger", base, Unavailable::new);
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new Unavailable(false, "Jaeger answered HTTP " + response.statusCode());
    }
    if (response.body().length > MAX_RESPONSE_BYTES) {
      throw new Unavailable(
          false, "Jaeger's answer is larger than " + (MAX_RESPONSE_BYTES >> 20) + " MiB");
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Unavailable(false, "Jaeger's answer is not JSON: " + e.getMessage());
    }
  }

  /** Jaeger could not be asked: 504 when it was too slow, 502 otherwise. */
  public static final class Unavailable extends RuntimeException {
    public final boolean timedOut;

    Unavailable(boolean timedOut, String message) {
      super(message);
      this.timedOut = timedOut;
    }
  }
}
