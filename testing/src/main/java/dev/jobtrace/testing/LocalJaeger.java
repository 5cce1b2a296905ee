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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private final int otlpGrpcPort;
  private final int metricsPort;
  private final Process process;
  private final Path log;

  private LocalJaeger(Path repo, Builder b) throws Exception {
    this.queryPort = b.queryPort;
    this.otlpHttpPort = b.otlpHttpPort;
    this.otlpGrpcPort = b.otlpGrpcPort;
    this.metricsPort = b.metricsPort;
    this.log = b.log != null ? b.log : Files.createTempFile("jaeger", ".log");
    Path binary = build(repo);
    ProcessBuilder pb =
        new ProcessBuilder(command(binary, repo, b))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(b.environment);
    pb.environment().put("JAEGER_LISTEN_HOST", "127.0.0.1");
    pb.environment().put("JAEGER_OTLP_HTTP_PORT", Integer.toString(otlpHttpPort));
    pb.environment().put("JAEGER_OTLP_GRPC_PORT", Integer.toString(otlpGrpcPort));
    pb.environment().put("JAEGER_QUERY_PORT", Integer.toString(queryPort));
    pb.environment().put("JAEGER_QUERY_GRPC_PORT", Integer.toString(Ports.free()));
    pb.environment().put("JAEGER_HEALTH_PORT", Integer.toString(Ports.free()));
    pb.environment().put("JAEGER_PROMETHEUS_EXPORTER_PORT", Integer.toString(metricsPort));
    // Without a Prometheus, the Monitor tab's queries fail fast on a port nothing listens on.
    pb.environment()
        .put(
            "JAEGER_PROMETHEUS_URL",
            b.prometheusUrl != null ? b.prometheusUrl : "http://127.0.0.1:" + Ports.free());
    pb.environment().put("JAEGER_SPANMETRICS_FLUSH", b.spanMetricsFlush.toMillis() + "ms");
    pb.environment()
        .put(
            "JAEGER_UI_CONFIG",
            (b.uiConfig != null ? b.uiConfig : repo.resolve(UI_CONFIG)).toString());
    // Empty: the placeholder UI embedded in the binary, whatever the caller's environment says.
    pb.environment().put("JAEGER_UI_ASSETS", b.uiAssets != null ? b.uiAssets.toString() : "");
    process = pb.start();
    try {
      awaitReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private static List<String> command(Path binary, Path repo, Builder b) {
    List<String> command =
        new ArrayList<>(List.of(binary.toString(), "--config", repo.resolve(CONFIG).toString()));
    for (String overlay : b.overlays) {
      command.add("--config");
      command.add(repo.resolve(overlay).toString());
    }
    return command;
  }

  /** On free ports, logging to a temporary file. */
  public static LocalJaeger start(Path repo) throws Exception {
    return builder(repo).start();
  }

  /** Query API (and UI) on {@code queryPort}, OTLP/HTTP in on {@code otlpHttpPort}. */
  public static LocalJaeger start(Path repo, int queryPort, int otlpHttpPort, Path log)
      throws Exception {
    return builder(repo).queryPort(queryPort).otlpHttpPort(otlpHttpPort).log(log).start();
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
    return builder(repo)
        .queryPort(queryPort)
        .otlpHttpPort(otlpHttpPort)
        .log(log)
        .ui(uiAssets, uiConfig)
        .start();
  }

  /** Every port free unless set, no Prometheus behind the Monitor tab unless set. */
  public static Builder builder(Path repo) {
    return new Builder(repo);
  }

  /** How a {@link LocalJaeger} is run. */
  public static final class Builder {
    private final Path repo;
    private int queryPort = Ports.free();
    private int otlpHttpPort = Ports.free();
    private int otlpGrpcPort = Ports.free();
    private int metricsPort = Ports.free();
    private Path log;
    private Path uiAssets;
    private Path uiConfig;
    private String prometheusUrl;
    private Duration spanMetricsFlush = Duration.ofSeconds(15);
    private final List<String> overlays = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(Path repo) {
      this.repo = repo;
    }

    /**
     * A configuration laid over the repository's (a repository path, e.g. {@code
     * profiler-linker/jaeger/tail-sampling.yaml}), with the environment it reads.
     */
    public Builder overlay(String repoPath, Map<String, String> env) {
      overlays.add(repoPath);
      environment.putAll(env);
      return this;
    }

    public Builder queryPort(int port) {
      this.queryPort = port;
      return this;
    }

    public Builder otlpHttpPort(int port) {
      this.otlpHttpPort = port;
      return this;
    }

    public Builder otlpGrpcPort(int port) {
      this.otlpGrpcPort = port;
      return this;
    }

    /** Where Jaeger's Prometheus exporter serves the agents' metrics and the span metrics. */
    public Builder metricsPort(int port) {
      this.metricsPort = port;
      return this;
    }

    public Builder log(Path log) {
      this.log = log;
      return this;
    }

    /** See {@link #start(Path, int, int, Path, Path, Path)}. */
    public Builder ui(Path assets, Path config) {
      this.uiAssets = assets;
      this.uiConfig = config;
      return this;
    }

    /** The Prometheus the query API reads the span metrics from (the Monitor tab). */
    public Builder prometheus(String url) {
      this.prometheusUrl = url;
      return this;
    }

    /** How often the span metrics connector emits (the demo's 15 s; tests go faster). */
    public Builder spanMetricsFlush(Duration every) {
      this.spanMetricsFlush = every;
      return this;
    }

    public LocalJaeger start() throws Exception {
      return new LocalJaeger(repo, this);
    }
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

  /** host:port of the OTLP/gRPC receiver, as collectors in front of Jaeger name it. */
  public String otlpGrpcTarget() {
    return "127.0.0.1:" + otlpGrpcPort;
  }

  /** The address Prometheus scrapes: the agents' metrics and the span metrics. */
  public String metricsTarget() {
    return "127.0.0.1:" + metricsPort;
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  private void awaitReady() throws Exception {
    Readiness.await("jaeger", process, log, queryUrl() + "/api/v3/services", 60);
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
