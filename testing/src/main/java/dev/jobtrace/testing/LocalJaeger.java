package dev.jobtrace.testing;

import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Jaeger v2, built from the Go module proxy by scripts/build-jaeger.sh (cached after the
 * first build), run with the repository's configuration and link pattern on loopback ports. It
 * serves the binary's placeholder UI, or the real Jaeger UI when given the assets that
 * scripts/build-jaeger-ui.sh builds ({@link #builtUi}).
 */
public final class LocalJaeger implements AutoCloseable {

  /** The Jaeger configuration the tests run, as the compose file mounts it (repository paths). */
  public static final String CONFIG = "profiler-linker/jaeger/jaeger-config.yaml";

  public static final String UI_CONFIG = "profiler-linker/jaeger/ui-config.json";

  private final int queryPort;
  private final int otlpHttpPort;
  private final Process process;
  private final Path log;

  private LocalJaeger(
      Path repo, int queryPort, int otlpHttpPort, Path log, Path uiAssets, Path uiConfig)
      throws Exception {
    this.queryPort = queryPort;
    this.otlpHttpPort = otlpHttpPort;
    this.log = log;
    Path binary = build(repo);
    ProcessBuilder pb =
        new ProcessBuilder(binary.toString(), "--config", repo.resolve(CONFIG).toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAEGER_LISTEN_HOST", "127.0.0.1");
    pb.environment().put("JAEGER_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort));
    pb.environment().put("JAEGER_OTLP_GRPC_PORT", Integer.toString(Ports.free()));
    pb.environment().put("JAEGER_QUERY_PORT", Integer.toString(queryPort));
    pb.environment().put("JAEGER_QUERY_GRPC_PORT", Integer.toString(Ports.free()));
    pb.environment().put("JAEGER_HEALTH_PORT", Integer.toString(Ports.free()));
    pb.environment()
        .put(
            "JAEGER_UI_CONFIG", (uiConfig != null ? uiConfig : repo.resolve(UI_CONFIG)).toString());
    // Empty: the placeholder UI embedded in the binary, whatever the caller's environment says.
    pb.environment().put("JAEGER_UI_ASSETS", uiAssets != null ? uiAssets.toString() : "");
    process = pb.start();
    try {
      awaitReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** On free ports, logging to a temporary file. */
  public static LocalJaeger start(Path repo) throws Exception {
    return new LocalJaeger(
        repo, Ports.free(), Ports.free(), Files.createTempFile("jaeger", ".log"), null, null);
  }

  /** Query API (and UI) on {@code queryPort}, OTLP/HTTP in on {@code otlpHttpPort}. */
  public static LocalJaeger start(Path repo, int queryPort, int otlpHttpPort, Path log)
      throws Exception {
    return new LocalJaeger(repo, queryPort, otlpHttpPort, log, null, null);
  }

  /**
   * As {@link #start(Path, int, int, Path)}, serving the real UI from {@code uiAssets} when not
   * null (see {@link #builtUi}; null: the binary's own), with the UI configuration {@code uiConfig}
   * (null: the repository's, whose link pattern points at a linker on :8090; see {@link
   * #uiConfigLinkingTo}).
   */
  public static LocalJaeger start(
      Path repo, int queryPort, int otlpHttpPort, Path log, Path uiAssets, Path uiConfig)
      throws Exception {
    return new LocalJaeger(repo, queryPort, otlpHttpPort, log, uiAssets, uiConfig);
  }

  /**
   * The real Jaeger UI's assets if scripts/build-jaeger-ui.sh has built them; never builds them
   * (that takes minutes and needs a jaeger-ui checkout or GitHub).
   */
  public static Optional<Path> builtUi(Path repo) throws Exception {
    Process p =
        new ProcessBuilder("bash", repo.resolve("scripts/build-jaeger-ui.sh").toString(), "--check")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return Optional.empty();
    }
    List<String> lines = out.lines().toList();
    if (p.exitValue() != 0 || lines.isEmpty()) {
      return Optional.empty();
    }
    Path assets = Path.of(lines.get(lines.size() - 1).trim());
    return Files.isRegularFile(assets.resolve("index.html"))
        ? Optional.of(assets)
        : Optional.empty();
  }

  /**
   * A copy of the repository's UI configuration whose profile link points at a linker on {@code
   * linkerPort} of localhost instead of :8090, written to a temporary file.
   */
  public static Path uiConfigLinkingTo(Path repo, int linkerPort) throws IOException {
    String config = Files.readString(repo.resolve(UI_CONFIG));
    String linked =
        config.replace("http://localhost:8090/", "http://localhost:" + linkerPort + "/");
    if (linked.equals(config) && linkerPort != 8090) {
      throw new IllegalStateException(
          "profiler-linker/jaeger/ui-config.json has no link to http://localhost:8090/");
    }
    Path file = Files.createTempFile("jaeger-ui-config", ".json");
    Files.writeString(file, linked);
    return file;
  }

  /** The binary, built on first use; scripts/build-jaeger.sh prints its path last. */
  static Path build(Path repo) throws Exception {
    return RepoScripts.pathFrom(repo, "build-jaeger.sh", 40);
  }

  public String queryUrl() {
    return "http://127.0.0.1:" + queryPort;
  }

  public String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpHttpPort;
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("jaeger exited:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(queryUrl() + "/api/v3/services"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
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
  public void sendOtlpJson(String json) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(otlpEndpoint() + "/v1/traces"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "jaeger refused OTLP JSON: " + r.statusCode() + " " + r.body());
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
