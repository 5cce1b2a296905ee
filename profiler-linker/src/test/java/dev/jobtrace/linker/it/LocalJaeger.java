package dev.jobtrace.linker.it;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Jaeger v2, built from the Go module proxy by scripts/build-jaeger.sh, on free ports. */
final class LocalJaeger implements AutoCloseable {

  static final Path REPO = Path.of(System.getProperty("jobtrace.repo.dir", ".."));

  final int otlpHttpPort = freePort();
  final int queryPort = freePort();
  final int healthPort = freePort();
  private final Process process;
  final Path log;

  LocalJaeger() throws Exception {
    Path binary = build();
    log = Files.createTempFile("jaeger", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(binary.toString(), "--config", REPO.resolve("profiler-linker/jaeger/jaeger-config.yaml").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAEGER_LISTEN_HOST", "127.0.0.1");
    pb.environment().put("JAEGER_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort));
    pb.environment().put("JAEGER_OTLP_GRPC_PORT", Integer.toString(freePort()));
    pb.environment().put("JAEGER_QUERY_PORT", Integer.toString(queryPort));
    pb.environment().put("JAEGER_QUERY_GRPC_PORT", Integer.toString(freePort()));
    pb.environment().put("JAEGER_HEALTH_PORT", Integer.toString(healthPort));
    pb.environment().put("JAEGER_UI_CONFIG", REPO.resolve("profiler-linker/jaeger/ui-config.json").toString());
    process = pb.start();
    awaitHealthy();
  }

  static Path build() throws Exception {
    File out = File.createTempFile("build-jaeger", ".log");
    Process p = new ProcessBuilder("bash", REPO.resolve("scripts/build-jaeger.sh").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(out).start();
    if (!p.waitFor(40, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("scripts/build-jaeger.sh failed");
    }
    List<String> lines = Files.readAllLines(out.toPath());
    return Path.of(lines.get(lines.size() - 1).trim());
  }

  String queryUrl() {
    return "http://127.0.0.1:" + queryPort;
  }

  String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  private void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("jaeger exited:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create(queryUrl() + "/api/v3/services")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("jaeger not ready in 60 s:\n" + Files.readString(log));
  }

  /** Sends OTLP/JSON spans straight to Jaeger's receiver. */
  void sendOtlpJson(String json) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(otlpEndpoint() + "/v1/traces"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("jaeger refused OTLP JSON: " + r.statusCode() + " " + r.body());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
