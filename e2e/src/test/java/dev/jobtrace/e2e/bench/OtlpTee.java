package dev.jobtrace.e2e.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * Sits between the agents and Jaeger's OTLP/HTTP receiver: counts the spans and bytes (protobuf,
 * before transport compression) of every trace export and passes the request on unchanged.
 */
final class OtlpTee implements AutoCloseable {

  final AtomicLong spans = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong lastRequestNanos = new AtomicLong(System.nanoTime());
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

  void reset() {
    spans.set(0);
    bytes.set(0);
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
        byte[] body = in.readAllBytes();
        bytes.addAndGet(body.length);
        long n = 0;
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            n += ss.getSpansCount();
          }
        }
        spans.addAndGet(n);
        lastRequestNanos.set(System.nanoTime());
      }
      HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().getPath()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(wire))
          .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"));
      if (encoding != null) {
        forward.header("Content-Encoding", encoding);
      }
      HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
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
