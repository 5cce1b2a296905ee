package dev.jobtrace.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/** A real OTLP/HTTP protobuf endpoint that keeps what the agent exports, for assertions. */
public final class OtlpReceiver implements AutoCloseable {

  private volatile HttpServer server;
  private final int port;
  private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<Metric> metrics = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong traceBytes =
      new java.util.concurrent.atomic.AtomicLong();

  public OtlpReceiver() throws IOException {
    server = listen(0);
    port = server.getAddress().getPort();
  }

  private HttpServer listen(int onPort) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
    s.createContext("/v1/traces", exchange -> guarded(exchange, this::traces));
    s.createContext("/v1/metrics", exchange -> guarded(exchange, this::metrics));
    s.createContext("/v1/logs", exchange -> respond(exchange, new byte[0]));
    s.start();
    return s;
  }

  /** Goes down as a backend does: its port refuses connections until {@link #restart}. */
  public synchronized void stop() {
    server.stop(0);
  }

  /** Comes back on the same port, keeping what it received before. */
  public synchronized void restart() throws IOException {
    server = listen(port);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public List<ExportedSpan> spans() {
    return new ArrayList<>(spans);
  }

  public List<Metric> metrics() {
    return new ArrayList<>(metrics);
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** A request the receiver cannot read is answered 400 and shows in the test output. */
  private static void guarded(HttpExchange exchange, Handler handler) throws IOException {
    try {
      handler.handle(exchange);
    } catch (RuntimeException | IOException | LinkageError e) {
      e.printStackTrace();
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
    }
  }

  /** Bytes of OTLP trace requests received, as protobuf before any transport compression. */
  public long traceBytes() {
    return traceBytes.get();
  }

  private void traces(HttpExchange exchange) throws IOException {
    byte[] body = body(exchange);
    traceBytes.addAndGet(body.length);
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = "";
      for (KeyValue kv : rs.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = kv.getValue().getStringValue();
        }
      }
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (var span : ss.getSpansList()) {
          spans.add(new ExportedSpan(service, ss.getScope().getName(), span));
        }
      }
    }
    respond(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
  }

  private void metrics(HttpExchange exchange) throws IOException {
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(exchange));
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        metrics.addAll(sm.getMetricsList());
      }
    }
    respond(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private static void respond(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
