package dev.jobtrace.e2e;

import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalPrometheus;
import dev.jobtrace.testing.Ports;
import dev.jobtrace.testing.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * The demo of docker-compose.yml as local processes: Jaeger ({@link LocalJaeger}, with the repo's
 * config and link pattern), PostgreSQL (the machine's binaries), Redis (the binary embedded-redis
 * carries), the profiler-linker, and partner-api and example-jobs under jobtrace-agent.jar. {@link
 * #close()} stops every process it started, in reverse order.
 *
 * <p>{@code main} runs it on the demo's usual ports until interrupted (scripts/demo-local.sh).
 */
public final class LocalTopology implements AutoCloseable {

  /** Where each part listens. */
  public static final class Ports {
    public final int jaegerQuery;
    public final int jaegerOtlpHttp;
    public final int linker;
    public final int worker;
    public final int partner;
    public final int dashboard;
    public final int prometheus;
    public final int jaegerMetrics;

    private Ports(
        int jaegerQuery,
        int jaegerOtlpHttp,
        int linker,
        int worker,
        int partner,
        int dashboard,
        int prometheus,
        int jaegerMetrics) {
      this.jaegerQuery = jaegerQuery;
      this.jaegerOtlpHttp = jaegerOtlpHttp;
      this.linker = linker;
      this.worker = worker;
      this.partner = partner;
      this.dashboard = dashboard;
      this.prometheus = prometheus;
      this.jaegerMetrics = jaegerMetrics;
    }

    /** The ports docker-compose.yml publishes. */
    public static Ports standard() {
      return new Ports(16686, 4318, 8090, 8081, 8082, 8000, 9090, 8889);
    }

    public static Ports free() {
      return new Ports(
          freePort(),
          freePort(),
          freePort(),
          freePort(),
          freePort(),
          freePort(),
          freePort(),
          freePort());
    }
  }

  /** What the demo is run with; tests shrink the jobs and stall less. */
  public static final class Settings {
    public Ports ports = Ports.standard();
    public double scale = 1.0;
    public int workers = 4;
    public long partnerStallMillis = 3000;
    public Path logs;

    /**
     * How often the agents export metrics and Jaeger emits span metrics (the demo's 15 s; tests go
     * faster); Prometheus scrapes three times as often.
     */
    public Duration metricsEvery = Duration.ofSeconds(15);

    /** The worker's {@code service.version}; none when null. */
    public String workerVersion;

    /** Extra JVM options for the worker (e.g. {@code -Dotel.jobtrace....}). */
    public List<String> workerOptions = new ArrayList<>();

    /**
     * The agent partner-api and example-jobs run under: jobtrace, upstream (the agent alone) or
     * none.
     */
    public String agent = "jobtrace";

    /** Where the agents send spans; Jaeger's OTLP receiver when null. */
    public String otlpEndpoint;

    /**
     * The OpenSearch Jaeger keeps traces in (profiler-linker/jaeger/opensearch.yaml, one replica
     * fewer: none); Jaeger's memory when null.
     */
    public String opensearchUrl;
  }

  public static final Path REPO =
      Path.of(System.getProperty("jobtrace.repo.dir", ".")).toAbsolutePath().normalize();

  private final Settings settings;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Path agentJar = REPO.resolve("otel-extension/target/jobtrace-agent.jar");
  private final Path upstreamAgentJar =
      REPO.resolve("otel-extension/target/upstream/opentelemetry-javaagent.jar");
  private final Path examplesJar = REPO.resolve("example-jobs/target/example-jobs.jar");
  private final Path linkerJar = REPO.resolve("profiler-linker/target/profiler-linker.jar");

  /** Whether Jaeger serves the real UI (built by scripts/build-jaeger-ui.sh) or its placeholder. */
  private boolean realUi;

  private LocalTopology(Settings settings) {
    this.settings = settings;
  }

  public static LocalTopology start(Settings settings) throws Exception {
    LocalTopology topology = new LocalTopology(settings);
    try {
      topology.startAll();
      return topology;
    } catch (Exception | Error e) {
      topology.close();
      throw e;
    }
  }

  public Ports ports() {
    return settings.ports;
  }

  public String jaegerUrl() {
    return "http://127.0.0.1:" + settings.ports.jaegerQuery;
  }

  public String linkerUrl() {
    return "http://127.0.0.1:" + settings.ports.linker;
  }

  public String prometheusUrl() {
    return "http://127.0.0.1:" + settings.ports.prometheus;
  }

  public String workerUrl() {
    return "http://127.0.0.1:" + settings.ports.worker;
  }

  public Path logs() {
    return settings.logs;
  }

  /**
   * The running part of that name (jaeger, prometheus, profiler-linker, partner-api, example-jobs).
   */
  public Process process(String name) {
    for (Running r : running) {
      if (r.name.equals(name)) {
        return r.process;
      }
    }
    throw new IllegalArgumentException("no part named " + name);
  }

  private void startAll() throws Exception {
    for (Path jar : List.of(agentJar, examplesJar, linkerJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            jar + " is missing: build first with ./mvnw -q package -DskipTests");
      }
    }
    if (settings.logs == null) {
      settings.logs = Files.createTempDirectory("jobtrace-topology");
    }
    Files.createDirectories(settings.logs);
    Ports ports = settings.ports;

    // The real Jaeger UI when scripts/build-jaeger-ui.sh has built it, with the profile link
    // pointing at this topology's linker; otherwise the placeholder UI of the Go build.
    Optional<Path> ui = LocalJaeger.builtUi(REPO);
    LocalJaeger.Builder builder = LocalJaeger.builder(REPO);
    if (settings.opensearchUrl != null) {
      builder.overlay(
          "profiler-linker/jaeger/opensearch.yaml",
          Map.of(
              "JAEGER_OPENSEARCH_URL", settings.opensearchUrl, "JAEGER_OPENSEARCH_REPLICAS", "0"));
    }
    LocalJaeger jaeger =
        builder
            .queryPort(ports.jaegerQuery)
            .otlpHttpPort(ports.jaegerOtlpHttp)
            .metricsPort(ports.jaegerMetrics)
            .prometheus(prometheusUrl())
            .spanMetricsFlush(settings.metricsEvery)
            .log(settings.logs.resolve("jaeger.log"))
            .ui(
                ui.orElse(null),
                ports.linker == 8090 ? null : LocalJaeger.uiConfigLinkingTo(REPO, ports.linker))
            .start();
    realUi = ui.isPresent();
    started.push(jaeger);
    running.add(new Running("jaeger", jaeger.process(), jaeger.log()));

    // Prometheus scrapes the agents' job metrics and the span metrics off Jaeger's exporter, three
    // times per export: an exemplar is served only until the next export of its series.
    LocalPrometheus prometheus =
        LocalPrometheus.start(
            REPO,
            jaeger.metricsTarget(),
            settings.metricsEvery.dividedBy(3),
            ports.prometheus,
            settings.logs.resolve("prometheus.log"));
    started.push(prometheus);
    running.add(new Running("prometheus", prometheus.process(), prometheus.log()));

    TestPostgres postgres = TestPostgres.start();
    started.push(postgres);
    int redisPort = freePort();
    RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").build();
    redis.start();
    started.push(redis::stop);

    started.push(
        process(
            "profiler-linker",
            List.of(
                java(),
                "-jar",
                linkerJar.toString(),
                "--jaeger-url",
                jaegerUrl(),
                "--prometheus-url",
                prometheusUrl(),
                "--port",
                Integer.toString(ports.linker)),
            Map.of("JOBTRACE_LINKER_JAEGER_UI_URL", "http://localhost:" + ports.jaegerQuery)));
    awaitHttp("profiler-linker", linkerUrl() + "/healthz", 60);

    started.push(
        process(
            "partner-api",
            agentJvm(
                "partner-api",
                List.of("-cp", examplesJar.toString(), "dev.jobtrace.examples.partner.PartnerApi"),
                List.of()),
            Map.of(
                "PARTNER_DB_URL", postgres.jdbcUrl(),
                "PARTNER_PORT", Integer.toString(ports.partner),
                "PARTNER_STALL_MS", Long.toString(settings.partnerStallMillis))));
    awaitPort("partner-api", ports.partner, 120);

    started.push(
        process(
            "example-jobs",
            agentJvm(
                "example-jobs", List.of("-jar", examplesJar.toString()), settings.workerOptions),
            Map.of(
                "EXAMPLES_DB_URL", postgres.jdbcUrl(),
                "EXAMPLES_REDIS_URL", "redis://127.0.0.1:" + redisPort,
                "EXAMPLES_PARTNER_URL", "http://127.0.0.1:" + ports.partner,
                "EXAMPLES_HTTP_PORT", Integer.toString(ports.worker),
                "EXAMPLES_DASHBOARD_PORT", Integer.toString(ports.dashboard),
                "EXAMPLES_SCALE", Double.toString(settings.scale),
                "EXAMPLES_WORKERS", Integer.toString(settings.workers))));
    awaitHttp("example-jobs", workerUrl() + "/jobs", 300);
  }

  private List<String> agentJvm(String service, List<String> main, List<String> options) {
    List<String> cmd = new ArrayList<>(List.of(java()));
    cmd.addAll(options);
    switch (settings.agent) {
      case "none":
        cmd.addAll(main);
        return cmd;
      case "upstream":
        cmd.add("-javaagent:" + upstreamAgentJar);
        break;
      case "jobtrace":
        cmd.add("-javaagent:" + agentJar);
        break;
      default:
        throw new IllegalArgumentException(
            "agent must be jobtrace, upstream or none: " + settings.agent);
    }
    String otlp =
        settings.otlpEndpoint != null
            ? settings.otlpEndpoint
            : "http://127.0.0.1:" + settings.ports.jaegerOtlpHttp;
    cmd.addAll(
        List.of(
            "-Dotel.service.name=" + service,
            "-Dotel.exporter.otlp.endpoint=" + otlp,
            // Spans go out within a second; metrics (to Jaeger's collector, for Prometheus) at
            // the topology's pace.
            "-Dotel.bsp.schedule.delay=1000",
            "-Dotel.metric.export.interval=" + settings.metricsEvery.toMillis(),
            "-Dotel.logs.exporter=none"));
    if (settings.workerVersion != null && service.equals("example-jobs")) {
      cmd.add("-Dotel.resource.attributes=service.version=" + settings.workerVersion);
    }
    cmd.addAll(main);
    return cmd;
  }

  private AutoCloseable process(String name, List<String> command, Map<String, String> env)
      throws IOException {
    File log = settings.logs.resolve(name + ".log").toFile();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    pb.environment().putAll(env);
    Process p = pb.start();
    running.add(new Running(name, p, log.toPath()));
    return () -> {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    };
  }

  private record Running(String name, Process process, Path log) {}

  private final List<Running> running = new ArrayList<>();
  private volatile boolean closing;

  /** Fails with the part's log when it has exited. */
  public void checkAlive() throws IOException {
    if (closing) {
      return; // parts exiting because everything is being stopped (Ctrl-C) are not failures
    }
    for (Running r : running) {
      if (!r.process.isAlive()) {
        throw new IllegalStateException(
            r.name
                + " exited with "
                + r.process.exitValue()
                + "; its log ("
                + r.log
                + ") ends:\n"
                + tail(r.log));
      }
    }
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private void awaitHttp(String name, String url, int seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (Instant.now().isBefore(deadline)) {
      checkAlive();
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        name + " did not answer " + url + " within " + seconds + " s; logs in " + settings.logs);
  }

  private void awaitPort(String name, int port, int seconds) throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (Instant.now().isBefore(deadline)) {
      checkAlive();
      try (var socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException(
        name
            + " did not listen on "
            + port
            + " within "
            + seconds
            + " s; logs in "
            + settings.logs);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    return dev.jobtrace.testing.Ports.free();
  }

  @Override
  public void close() {
    closing = true;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("local topology: stopping a part failed: " + e);
      }
    }
  }

  /** Runs the demo on the usual ports until interrupted. Arguments: [scale]. */
  public static void main(String[] args) throws Exception {
    Settings settings = new Settings();
    if (args.length > 0) {
      settings.scale = Double.parseDouble(args[0]);
    }
    settings.logs = REPO.resolve("e2e/target/demo-logs");
    LocalTopology topology = start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(topology::close));
    Ports p = settings.ports;
    System.out.println(
        "jobtrace demo is up (logs in "
            + settings.logs
            + "):\n"
            + (topology.realUi
                ? "  Jaeger UI                                              http://localhost:"
                    + p.jaegerQuery
                    + "\n"
                : "  Jaeger (query API; the UI is a placeholder: scripts/build-jaeger-ui.sh builds the real one)\n"
                    + "                                                         http://localhost:"
                    + p.jaegerQuery
                    + "\n")
            + "  profiler-linker (jobs ranked by p95, flame graphs)     http://localhost:"
            + p.linker
            + "\n"
            + "  Prometheus                                             http://localhost:"
            + p.prometheus
            + "\n"
            + "  JobRunr dashboard                                      http://localhost:"
            + p.dashboard
            + "\n"
            + "  enqueue a job:  curl -X POST http://localhost:"
            + p.worker
            + "/jobs/reference-data/slow\n"
            + "Ctrl-C stops everything.");
    while (true) {
      Thread.sleep(2000);
      try {
        topology.checkAlive();
      } catch (IllegalStateException exited) {
        // Ctrl-C reaches every part at once; the parts can exit before the JVM starts its
        // shutdown hook. A part that died on its own is reported; one stopped with the rest is not.
        Thread.sleep(1000);
        if (!topology.closing) {
          throw exited;
        }
        return;
      }
    }
  }
}
