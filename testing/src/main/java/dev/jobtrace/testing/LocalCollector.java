package dev.jobtrace.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's gateway: an OpenTelemetry Collector built by scripts/build-collector.sh (cached after
 * the first build), run with the repository's gateway configuration in front of the given Jaeger
 * collectors, on loopback ports, with its queue on disk in a directory that outlives a {@link
 * #restart()}.
 */
public final class LocalCollector implements AutoCloseable {

  /** The gateway configuration the compose file mounts (repository path). */
  public static final String CONFIG = "profiler-linker/collector/gateway.yaml";

  private final Path repo;
  private final Path binary;
  private final Map<String, String> environment;
  private final int otlpHttpPort = Ports.free();
  private final int healthPort = Ports.free();
  private final int metricsPort = Ports.free();
  private final Path queue;
  private final Path log;
  private Process process;

  private LocalCollector(Path repo, String backend1, String backend2) throws Exception {
    this.repo = repo;
    this.binary = RepoScripts.pathFrom(repo, "build-collector.sh", 40);
    this.queue = Files.createTempDirectory("gateway-queue");
    this.log = Files.createTempFile("gateway", ".log");
    this.environment =
        Map.of(
            "GATEWAY_LISTEN_HOST", "127.0.0.1",
            "GATEWAY_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort),
            "GATEWAY_OTLP_GRPC_PORT", Integer.toString(Ports.free()),
            "GATEWAY_HEALTH_PORT", Integer.toString(healthPort),
            "GATEWAY_METRICS_PORT", Integer.toString(metricsPort),
            "GATEWAY_QUEUE_DIR", queue.toString(),
            "JAEGER_COLLECTOR_1", backend1,
            "JAEGER_COLLECTOR_2", backend2);
    launch();
  }

  /** A gateway load-balancing over two Jaeger collectors (their OTLP/gRPC host:port). */
  public static LocalCollector start(Path repo, String backend1, String backend2) throws Exception {
    return new LocalCollector(repo, backend1, backend2);
  }

  private void launch() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(List.of(binary.toString(), "--config", repo.resolve(CONFIG).toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(environment);
    process = pb.start();
    try {
      Readiness.await("gateway", process, log, "http://127.0.0.1:" + healthPort + "/status", 60);
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  /** Stops the gateway as an orchestrator does (SIGTERM), its queue left on disk. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Stops it and starts it again on the same ports and queue. */
  public void restart() throws Exception {
    stop();
    launch();
  }

  /** Where workers send OTLP/HTTP. */
  public String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  /** The collector's own metrics (Prometheus text), e.g. the load balancer's outcomes. */
  public String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
