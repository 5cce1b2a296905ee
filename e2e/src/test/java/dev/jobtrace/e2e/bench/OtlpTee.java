package dev.jobtrace.e2e.bench;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Sits between the agents and Jaeger's OTLP/HTTP receiver: counts the spans of every trace export
 * and their bytes (each span's protobuf size, before transport compression), and passes the request
 * on unchanged. Traces of the benchmark's own status requests ({@code /jobs/runs/...}) are left
 * out.
 */
final class OtlpTee implements AutoCloseable {

  /** traceId → {spans, bytes}; traces made by the benchmark's own polling are marked {-1, -1}. */
  private final Map<ByteString, long[]> traces = new HashMap<>();

  final AtomicLong lastRequestNanos = new AtomicLong(System.nanoTime());

  /** Spans passed on since the tee started (never reset). */
  final AtomicLong forwarded = new AtomicLong();

  private volatile boolean dropPolling;

  /** The trace requests passed on while recording (uncompressed), for a replay; null: not. */
  private List<byte[]> recorded;

  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile String target;

  OtlpTee() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Jaeger's OTLP/HTTP base URL. */
  void forwardTo(String otlpBase) {
    target = otlpBase;
  }

  /**
   * Keeps the spans of the benchmark's own status requests from Jaeger too, so that what Jaeger
   * stores is the jobs' traces alone (requests are then passed on re-encoded, uncompressed).
   */
  void dropPolling() {
    dropPolling = true;
  }

  synchronized void reset() {
    traces.clear();
  }

  /** From now on keeps every trace request it passes on. */
  synchronized void record() {
    recorded = new ArrayList<>();
  }

  /** The trace requests kept since {@link #record()}; recording stops. */
  synchronized List<byte[]> recorded() {
    List<byte[]> r = recorded;
    recorded = null;
    return r == null ? List.of() : r;
  }

  private synchronized void keep(byte[] request) {
    if (recorded != null) {
      recorded.add(request);
    }
  }

  /** The traces (hex ids) received since {@link #reset()}, the benchmark's polling left out. */
  synchronized List<String> traceIds() {
    List<String> ids = new ArrayList<>();
    traces.forEach(
        (id, t) -> {
          if (t[0] >= 0) {
            ids.add(java.util.HexFormat.of().formatHex(id.toByteArray()));
          }
        });
    return ids;
  }

  /** {spans, bytes} received since {@link #reset()}. */
  synchronized long[] counted() {
    long[] sum = new long[2];
    for (long[] t : traces.values()) {
      if (t[0] >= 0) {
        sum[0] += t[0];
        sum[1] += t[1];
      }
    }
    return sum;
  }

  static boolean polling(Span span) {
    return span.getAttributesList().stream()
        .anyMatch(
            kv ->
                kv.getKey().equals("url.path")
                    && kv.getValue().getStringValue().startsWith("/jobs/runs/"));
  }

  private synchronized void count(Span span) {
    long[] t = traces.computeIfAbsent(span.getTraceId(), k -> new long[2]);
    if (polling(span)) {
      t[0] = -1;
      t[1] = -1;
    } else if (t[0] >= 0) {
      t[0]++;
      t[1] += span.getSerializedSize();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] wire = exchange.getRequestBody().readAllBytes();
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
        InputStream in = new ByteArrayInputStream(wire);
        if ("gzip".equalsIgnoreCase(encoding)) {
          in = new GZIPInputStream(in);
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
        long passed = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            ss.getSpansList().forEach(this::count);
            passed += ss.getSpansCount();
          }
        }
        if (dropPolling) {
          ExportTraceServiceRequest.Builder kept = request.toBuilder();
          passed = 0;
          for (ResourceSpans.Builder rs : kept.getResourceSpansBuilderList()) {
            for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
              List<Span> spans = ss.getSpansList().stream().filter(sp -> !polling(sp)).toList();
              ss.clearSpans().addAllSpans(spans);
              passed += spans.size();
            }
          }
          wire = kept.build().toByteArray();
          encoding = null;
        }
        keep(encoding == null ? wire : request.toByteArray());
        forwarded.addAndGet(passed);
        lastRequestNanos.set(System.nanoTime());
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().getPath()))
              .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
              .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"));
      if (encoding != null) {
        forward.header("Content-Encoding", encoding);
      }
      HttpResponse<byte[]> answer =
          http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      exchange.sendResponseHeaders(
          answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      exchange.getResponseBody().write(answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(503, -1);
    } catch (RuntimeException | IOException e) {
      exchange.sendResponseHeaders(502, -1);
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
