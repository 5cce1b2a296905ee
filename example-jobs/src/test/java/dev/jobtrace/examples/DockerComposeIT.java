package dev.jobtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalPrometheus;
import dev.jobtrace.testing.RepoScripts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine). It is loaded instead by docker
 * compose's own loader (compose-go, through scripts/compose-check: schema, interpolation,
 * normalization, references between services), and its normalized model is checked against what a
 * {@code docker compose up} needs from the repository once the jars are built: the files it mounts,
 * the classes its commands start, and for every address one service gives another, a service that
 * listens there. {@code -Djobtrace.compose.file=FILE} checks another compose file against the
 * repository.
 */
class DockerComposeIT {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The overlays of Jaeger's configuration that the tests run Jaeger with. */
  static final List<String> JAEGER_OVERLAYS =
      List.of(
          "profiler-linker/jaeger/opensearch.yaml", "profiler-linker/jaeger/tail-sampling.yaml");

  /**
   * Prometheus configurations the tests run (the demo's) or that this check covers (the fleet's).
   */
  static final List<String> PROMETHEUS_CONFIGS =
      List.of(LocalPrometheus.CONFIG, "profiler-linker/prometheus/prometheus-fleet.yml");

  /** The normalized project, as `docker compose config --format json` prints it. */
  static JsonNode project;

  @BeforeAll
  static void load() throws Exception {
    Path file =
        Path.of(
            System.getProperty(
                "jobtrace.compose.file", REPO.resolve("docker-compose.yml").toString()));
    Path checker = RepoScripts.pathFrom(REPO, "compose-check/build.sh", 10);
    File out = File.createTempFile("compose", ".json");
    File err = File.createTempFile("compose", ".err");
    Process p =
        new ProcessBuilder(
                checker.toString(), "--project-directory", REPO.toString(), file.toString())
            .redirectOutput(out)
            .redirectError(err)
            .start();
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("compose-check did not finish in a minute");
    }
    if (p.exitValue() != 0) {
      fail("docker compose would refuse " + file + ":\n" + Files.readString(err.toPath()));
    }
    project = JSON.readTree(out);
  }

  // --- what the containers mount and start ---

  @Test
  void everyBindMountExistsOnceTheJarsAreBuilt() {
    services()
        .forEach(
            (name, service) ->
                service
                    .path("volumes")
                    .forEach(
                        v -> {
                          if (v.path("type").asText().equals("bind")) {
                            assertThat(Path.of(v.path("source").asText()))
                                .as(name + " mounts")
                                .exists();
                          }
                        }));
  }

  @Test
  void everyJavaCommandFindsItsClassesInTheJarsItMounts() throws Exception {
    for (var e : services().entrySet()) {
      String name = e.getKey();
      List<String> cmd = command(e.getValue());
      if (cmd.isEmpty() || !cmd.get(0).equals("java")) {
        continue;
      }
      for (String arg : cmd) {
        if (arg.startsWith("-javaagent:")) {
          Path agent = hostPath(name, arg.substring("-javaagent:".length()));
          assertThat(classIn(agent, manifest(agent, "Premain-Class")))
              .as(name + ": the agent's Premain-Class in " + agent)
              .isTrue();
        }
      }
      String main = mainClass(name, cmd);
      assertThat(main).as(name + " starts a main class").isNotNull();
    }
  }

  // --- addresses: every one names a service and a port it listens on ---

  @Test
  void everyAddressNamesAServiceThatListensThereAndStartsFirst() throws Exception {
    Map<String, JsonNode> services = services();
    for (var s : services.entrySet()) {
      for (var env : environment(s.getValue()).entrySet()) {
        URI url = url(env.getValue());
        if (url == null || isLocalhost(url.getHost())) {
          continue;
        }
        String what = s.getKey() + " " + env.getKey() + "=" + env.getValue();
        assertThat(services.keySet())
            .as(what + ": a service named " + url.getHost())
            .contains(url.getHost());
        assertThat(listeners(url.getHost()))
            .as(what + ": ports " + url.getHost() + " listens on")
            .containsKey(port(url));
        assertThat(s.getValue().path("depends_on").has(url.getHost()))
            .as(what + ": depends_on " + url.getHost())
            .isTrue();
      }
    }
  }

  /**
   * Where a collector sends on (an exporter's endpoint, the load balancer's backends): a service
   * that receives OTLP/gRPC there and starts first.
   */
  @Test
  void everyCollectorSendsToAServiceThatReceivesOtlpThere() throws Exception {
    for (var s : services().entrySet()) {
      if (!isCollector(s.getValue())) {
        continue;
      }
      JsonNode env = s.getValue().path("environment");
      List<String> targets = new ArrayList<>();
      collectorConfig(s.getKey())
          .path("exporters")
          .forEach(
              exporter -> {
                if (exporter.path("endpoint").isTextual()) {
                  targets.add(interpolate(exporter.path("endpoint").asText(), env));
                }
                exporter
                    .path("resolver")
                    .path("static")
                    .path("hostnames")
                    .forEach(h -> targets.add(interpolate(h.asText(), env)));
              });
      for (String target : targets) {
        URI url = address(target);
        if (url == null || url.getHost().equals("0.0.0.0")) {
          continue;
        }
        String what = s.getKey() + " sends to " + target;
        assertThat(listeners(url.getHost()).get(port(url)))
            .as(what + ": its OTLP/gRPC receiver")
            .isEqualTo("receivers.otlp.protocols.grpc");
        assertThat(s.getValue().path("depends_on").has(url.getHost()))
            .as(what + ": depends_on " + url.getHost())
            .isTrue();
      }
    }
  }

  /** An nginx in front of services: every upstream server is a service listening there. */
  @Test
  void everyProxyUpstreamIsAServiceThatListensThereAndStartsFirst() throws Exception {
    for (var s : services().entrySet()) {
      if (!s.getValue().path("image").asText().startsWith("nginx:")) {
        continue;
      }
      Matcher server =
          Pattern.compile("(?m)^\\s*server\\s+([a-z0-9-]+):(\\d+)")
              .matcher(nginxConfig(s.getKey()));
      int upstreams = 0;
      while (server.find()) {
        upstreams++;
        String what = s.getKey() + " proxies to " + server.group(1) + ":" + server.group(2);
        assertThat(listeners(server.group(1)))
            .as(what)
            .containsKey(Integer.parseInt(server.group(2)));
        assertThat(s.getValue().path("depends_on").has(server.group(1)))
            .as(what + ": depends_on " + server.group(1))
            .isTrue();
      }
      assertThat(upstreams).as(s.getKey() + "'s upstream servers").isPositive();
    }
  }

  @Test
  void everyPublishedPortAndHealthcheckReachesAListener() throws Exception {
    Pattern tcpProbe = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
    for (var e : services().entrySet()) {
      String name = e.getKey();
      Map<Integer, String> listeners = listeners(name);
      for (JsonNode p : e.getValue().path("ports")) {
        assertThat(listeners)
            .as(
                name
                    + " publishes "
                    + p.path("published").asText()
                    + " to its port "
                    + p.path("target").asInt())
            .containsKey(p.path("target").asInt());
      }
      for (JsonNode t : e.getValue().path("healthcheck").path("test")) {
        Matcher m = tcpProbe.matcher(t.asText());
        while (m.find()) {
          assertThat(listeners)
              .as(name + "'s healthcheck probes port " + m.group(1))
              .containsKey(Integer.parseInt(m.group(1)));
        }
      }
    }
  }

  /**
   * What a browser on the host opens: Jaeger's link to the linker, the linker's links back to
   * Jaeger.
   */
  @Test
  void everyBrowserAddressIsAPublishedListener() throws Exception {
    Map<String, String> browserUrls = new LinkedHashMap<>();
    for (var s : services().entrySet()) {
      environment(s.getValue())
          .forEach(
              (key, value) -> {
                URI url = url(value);
                if (url != null && isLocalhost(url.getHost())) {
                  browserUrls.put(s.getKey() + " " + key, value);
                }
              });
    }
    for (var e : services().entrySet()) {
      if (isJaeger(e.getValue())) {
        Path uiConfig =
            hostPath(
                e.getKey(), jaegerSetting(e.getKey(), "extensions.jaeger_query.ui.config_file"));
        for (JsonNode link : JSON.readTree(uiConfig.toFile()).path("linkPatterns")) {
          browserUrls.put(
              e.getKey() + " link pattern " + link.path("key").asText(), link.path("url").asText());
        }
      }
    }
    assertThat(browserUrls).isNotEmpty();
    Map<Integer, String> published = new HashMap<>();
    for (var e : services().entrySet()) {
      Map<Integer, String> listeners = listeners(e.getKey());
      for (JsonNode p : e.getValue().path("ports")) {
        if (listeners.containsKey(p.path("target").asInt())) {
          published.put(Integer.parseInt(p.path("published").asText()), e.getKey());
        }
      }
    }
    // A link pattern's #{tag} stands for a value.
    browserUrls.forEach(
        (what, url) ->
            assertThat(published)
                .as(what + "=" + url + ": a published port")
                .containsKey(port(url(url.replaceAll("#\\{[^}]*}", "x")))));
  }

  @Test
  void tracesGoToJaegersOtlpReceiverAndQueriesToItsQueryApi() throws Exception {
    for (var e : services().entrySet()) {
      JsonNode env = e.getValue().path("environment");
      if (env.has("OTEL_EXPORTER_OTLP_ENDPOINT")) {
        URI otlp = url(env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
        String protocol =
            env.path("OTEL_EXPORTER_OTLP_PROTOCOL").asText("http/protobuf").equals("grpc")
                ? "grpc"
                : "http";
        assertThat(listeners(otlp.getHost()).get(port(otlp)))
            .as(e.getKey() + " exports OTLP/" + protocol + " to " + otlp)
            .isEqualTo("receivers.otlp.protocols." + protocol);
        // A signal Jaeger has no pipeline for is refused: exporting it only logs errors.
        Set<String> pipelines = pipelines(otlp.getHost());
        for (String signal : List.of("metrics", "logs")) {
          if (!pipelines.contains(signal)) {
            assertThat(env.path("OTEL_" + signal.toUpperCase() + "_EXPORTER").asText())
                .as(e.getKey() + " exports " + signal + " to a Jaeger with pipelines " + pipelines)
                .isEqualTo("none");
          }
        }
      }
      if (env.has("JOBTRACE_LINKER_JAEGER_URL")) {
        URI query = url(env.path("JOBTRACE_LINKER_JAEGER_URL").asText());
        assertThat(listeners(query.getHost()).get(port(query)))
            .as(e.getKey() + " queries Jaeger at " + query)
            .isEqualTo("extensions.jaeger_query.http");
      }
    }
  }

  @Test
  void databaseUrlsCarryThePostgresServicesCredentials() {
    services()
        .forEach(
            (name, service) ->
                service
                    .path("environment")
                    .fields()
                    .forEachRemaining(
                        env -> {
                          if (!env.getValue().asText().startsWith("jdbc:postgresql:")) {
                            return;
                          }
                          URI url = url(env.getValue().asText());
                          JsonNode pg = service(url.getHost()).path("environment");
                          String user = pg.path("POSTGRES_USER").asText("postgres");
                          Map<String, String> query = query(url);
                          String what = name + " " + env.getKey();
                          assertThat(query.get("user"))
                              .as(what + ": the user " + url.getHost() + " creates")
                              .isEqualTo(user);
                          assertThat(query.get("password"))
                              .as(what + ": the password " + url.getHost() + " sets")
                              .isEqualTo(pg.path("POSTGRES_PASSWORD").asText(null));
                          assertThat(url.getPath().substring(1))
                              .as(what + ": the database " + url.getHost() + " creates")
                              .isEqualTo(pg.path("POSTGRES_DB").asText(user));
                        }));
  }

  @Test
  void servicesWaitForHealthOnlyWhereThereIsAHealthcheck() {
    services()
        .forEach(
            (name, service) ->
                service
                    .path("depends_on")
                    .fields()
                    .forEachRemaining(
                        dep -> {
                          if (dep.getValue().path("condition").asText().equals("service_healthy")) {
                            JsonNode check = service(dep.getKey()).path("healthcheck");
                            assertThat(
                                    check.path("test").isArray()
                                        && !check.path("disable").asBoolean())
                                .as(
                                    name
                                        + " waits for "
                                        + dep.getKey()
                                        + " to be healthy: its healthcheck")
                                .isTrue();
                          }
                        }));
  }

  // --- Jaeger: the configuration the end-to-end suite proves ---

  /**
   * The end-to-end suite runs Jaeger as a process (LocalJaeger, in the test harness) with the
   * repository's configuration files, on the Jaeger release scripts/build-jaeger.sh builds; the
   * compose Jaeger must run the same files on the same release for those tests to speak for it.
   */
  @Test
  void jaegerRunsTheConfigurationTheEndToEndSuiteRuns() throws Exception {
    Set<Path> suiteFiles =
        Set.of(REPO.resolve(LocalJaeger.CONFIG), REPO.resolve(LocalJaeger.UI_CONFIG));
    String buildScript = Files.readString(REPO.resolve("scripts/build-jaeger.sh"));
    Matcher built =
        Pattern.compile("JAEGER_VERSION=\"\\$\\{JAEGER_VERSION:-v1\\.(\\d+)\\.(\\d+)}\"")
            .matcher(buildScript);
    assertThat(built.find()).as("JAEGER_VERSION in scripts/build-jaeger.sh").isTrue();
    int jaegers = 0;
    for (var e : services().entrySet()) {
      if (!isJaeger(e.getValue())) {
        continue;
      }
      jaegers++;
      String name = e.getKey();
      List<Path> files = configFiles(name);
      Path config = files.get(0);
      Path uiConfig = hostPath(name, jaegerSetting(name, "extensions.jaeger_query.ui.config_file"));
      assertThat(suiteFiles).as(name + " runs " + config).anyMatch(f -> same(f, config));
      // Laid over it, only the overlays the tests lay (OpenSearchStoreIT, TailSamplingIT, FleetIT).
      for (Path overlay : files.subList(1, files.size())) {
        assertThat(JAEGER_OVERLAYS.stream().map(REPO::resolve))
            .as(name + " lays " + overlay)
            .anyMatch(f -> same(f, overlay));
      }
      assertThat(suiteFiles)
          .as(name + " serves the UI configuration " + uiConfig)
          .anyMatch(f -> same(f, uiConfig));
      // Jaeger releases v1.N and v2.(N-63) together from one source: the image and the module tag.
      String tag = e.getValue().path("image").asText().replaceFirst("^.*:", "");
      String release = "2." + (Integer.parseInt(built.group(1)) - 63) + "." + built.group(2);
      assertThat(tag)
          .as(
              name
                  + "'s image against v1."
                  + built.group(1)
                  + "."
                  + built.group(2)
                  + " of scripts/build-jaeger.sh")
          .isEqualTo(release);
    }
    assertThat(jaegers).as("Jaeger services").isPositive();
  }

  /**
   * A gateway collector runs the configuration FleetIT runs (LocalCollector), on the release
   * scripts/build-collector.sh builds for it.
   */
  @Test
  void gatewayRunsTheConfigurationAndReleaseTheFleetTestRuns() throws Exception {
    String buildScript = Files.readString(REPO.resolve("scripts/build-collector.sh"));
    Matcher built =
        Pattern.compile("OTELCOL_VERSION=\"\\$\\{OTELCOL_VERSION:-v([0-9.]+)}\"")
            .matcher(buildScript);
    assertThat(built.find()).as("OTELCOL_VERSION in scripts/build-collector.sh").isTrue();
    int gateways = 0;
    for (var e : services().entrySet()) {
      if (!isCollector(e.getValue()) || isJaeger(e.getValue())) {
        continue;
      }
      gateways++;
      assertThat(configFiles(e.getKey()))
          .as(e.getKey() + " runs")
          .singleElement()
          .matches(f -> same(f, REPO.resolve("profiler-linker/collector/gateway.yaml")));
      assertThat(e.getValue().path("image").asText().replaceFirst("^.*:", ""))
          .as(e.getKey() + "'s image against scripts/build-collector.sh")
          .isEqualTo(built.group(1));
    }
    assumeTrue(gateways > 0, "no gateway in this compose file");
  }

  /**
   * Prometheus runs the configuration the end-to-end suite runs (LocalPrometheus, with the target
   * and interval replaced), keeps exemplars, and scrapes Jaeger's Prometheus exporter, where the
   * agents' job metrics and the span metrics come out; the workers export their metrics to the
   * Jaeger whose exporter that is.
   */
  @Test
  void prometheusScrapesTheJaegerThatTakesTheWorkersMetrics() throws Exception {
    List<String> cmd = command(service("prometheus"));
    assertThat(cmd).contains("--enable-feature=exemplar-storage");
    String file =
        cmd.stream()
            .filter(c -> c.startsWith("--config.file="))
            .findFirst()
            .orElseGet(() -> fail("prometheus runs without --config.file"))
            .substring("--config.file=".length());
    Path config = hostPath("prometheus", file);
    assertThat(PROMETHEUS_CONFIGS.stream().map(REPO::resolve))
        .as("prometheus runs " + config)
        .anyMatch(f -> same(f, config));
    JsonNode scrape = YAML.readTree(config.toFile()).path("scrape_configs");
    List<String> exporters = new ArrayList<>();
    for (JsonNode job : scrape) {
      List<String> jobTargets = new ArrayList<>();
      job.path("static_configs")
          .forEach(c -> c.path("targets").forEach(t -> jobTargets.add(t.asText())));
      for (String target : jobTargets) {
        URI url = url("http://" + target);
        String listener = listeners(url.getHost()).get(port(url));
        assertThat(listener)
            .as("prometheus scrapes " + target)
            .isIn("exporters.prometheus", "service.telemetry.metrics");
        if (listener.equals("exporters.prometheus")) {
          // Where the workers' job metrics come out: each series keeps its own job label.
          assertThat(job.path("honor_labels").asBoolean())
              .as("the scrape of " + target + " keeps each series' own job (service) label")
              .isTrue();
          assertThat(pipelines(url.getHost())).contains("metrics");
          exporters.add(target);
        }
      }
    }
    assertThat(exporters).isNotEmpty();
    for (String worker : List.of("example-jobs", "partner-api")) {
      JsonNode env = service(worker).path("environment");
      assertThat(env.path("OTEL_METRICS_EXPORTER").asText()).as(worker).isEqualTo("otlp");
      String first = url(env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).getHost();
      assertThat(metricsReach(first, 3))
          .as(
              worker
                  + " exports metrics to "
                  + first
                  + ", from where they reach a Jaeger Prometheus scrapes")
          .anyMatch(host -> exporters.stream().anyMatch(t -> t.startsWith(host + ":")));
    }
    for (var e : services().entrySet()) {
      Map<String, String> env = environment(e.getValue());
      for (String key : List.of("JAEGER_PROMETHEUS_URL", "JOBTRACE_LINKER_PROMETHEUS_URL")) {
        if (env.containsKey(key)) {
          assertThat(url(env.get(key)).getHost())
              .as(e.getKey() + " " + key)
              .isEqualTo("prometheus");
        }
      }
    }
  }

  /**
   * The collectors a metric sent to {@code host} passes through: it, and those its metrics
   * pipelines export to over OTLP, up to {@code hops} deep.
   */
  static Set<String> metricsReach(String host, int hops) throws Exception {
    Set<String> out = new TreeSet<>(Set.of(host));
    if (hops == 0 || !isCollector(service(host))) {
      return out;
    }
    JsonNode config = collectorConfig(host);
    JsonNode env = service(host).path("environment");
    for (var pipeline :
        (Iterable<Map.Entry<String, JsonNode>>)
            () -> config.path("service").path("pipelines").fields()) {
      if (!pipeline.getKey().startsWith("metrics")) {
        continue;
      }
      for (JsonNode name : pipeline.getValue().path("exporters")) {
        JsonNode endpoint = config.path("exporters").path(name.asText()).path("endpoint");
        if (name.asText().startsWith("otlp") && endpoint.isTextual()) {
          String target = interpolate(endpoint.asText(), env);
          URI url = address(target);
          if (url != null) {
            out.addAll(metricsReach(url.getHost(), hops - 1));
          }
        }
      }
    }
    return out;
  }

  // --- the model ---

  static Map<String, JsonNode> services() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    project.path("services").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  static JsonNode service(String name) {
    JsonNode s = project.path("services").path(name);
    assertThat(s.isObject()).as("service " + name).isTrue();
    return s;
  }

  static Map<String, String> environment(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    service
        .path("environment")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static List<String> command(JsonNode service) {
    List<String> out = new ArrayList<>();
    service.path("command").forEach(c -> out.add(c.asText()));
    return out;
  }

  static boolean isJaeger(JsonNode service) {
    return service.path("image").asText().startsWith("jaegertracing/jaeger:");
  }

  /** An OpenTelemetry Collector: Jaeger v2 is one, and so is the fleet's gateway. */
  static boolean isCollector(JsonNode service) {
    return isJaeger(service)
        || service.path("image").asText().startsWith("otel/opentelemetry-collector-contrib:");
  }

  /** The host file or directory behind a path inside a service's container, by its bind mounts. */
  static Path hostPath(String name, String containerPath) {
    for (JsonNode v : service(name).path("volumes")) {
      String target = v.path("target").asText();
      if (v.path("type").asText().equals("bind")
          && (containerPath.equals(target) || containerPath.startsWith(target + "/"))) {
        return Path.of(v.path("source").asText() + containerPath.substring(target.length()));
      }
    }
    return fail(name + " mounts nothing at " + containerPath);
  }

  /**
   * The class a java command starts (-jar: its Main-Class; -cp: the first argument after the
   * options), checked present.
   */
  static String mainClass(String name, List<String> cmd) throws Exception {
    for (int i = 1; i < cmd.size(); i++) {
      String arg = cmd.get(i);
      if (arg.equals("-jar")) {
        Path jar = hostPath(name, cmd.get(i + 1));
        String main = manifest(jar, "Main-Class");
        assertThat(classIn(jar, main)).as(name + ": Main-Class " + main + " in " + jar).isTrue();
        return main;
      }
      if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) {
        String main = cmd.get(i + 2);
        List<Path> jars = new ArrayList<>();
        for (String entry : cmd.get(i + 1).split(":")) {
          jars.add(hostPath(name, entry));
        }
        assertThat(jars)
            .as(name + ": " + main + " on its class path")
            .anyMatch(j -> classIn(j, main));
        return main;
      }
    }
    return null;
  }

  static String manifest(Path jar, String attribute) {
    try (JarFile j = new JarFile(jar.toFile())) {
      String value =
          j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue(attribute);
      assertThat(value).as(attribute + " in " + jar).isNotNull();
      return value;
    } catch (IOException e) {
      return fail(jar + " is not a readable jar (being rebuilt?): " + e);
    }
  }

  static boolean classIn(Path jar, String className) {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.getEntry(className.replace('.', '/') + ".class") != null;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Where a service listens on all interfaces, port -> what says so. Java services: by the main
   * class they start, the settings it reads; Jaeger: the endpoints of the configuration it runs,
   * with the service's environment; PostgreSQL and Redis: their images' ports.
   */
  static Map<Integer, String> listeners(String name) throws Exception {
    JsonNode service = service(name);
    String image = service.path("image").asText().replaceFirst(":.*$", "");
    Map<Integer, String> out = new TreeMap<>();
    if (image.equals("postgres")) {
      out.put(5432, "postgres image");
    } else if (image.equals("redis")) {
      out.put(6379, "redis image");
    } else if (image.equals("prom/prometheus")) {
      out.put(9090, "prometheus image");
    } else if (image.equals("opensearchproject/opensearch")) {
      out.put(9200, "opensearch image");
    } else if (image.equals("nginx")) {
      Matcher listen = Pattern.compile("(?m)^\\s*listen\\s+(\\d+)\\s*;").matcher(nginxConfig(name));
      while (listen.find()) {
        out.put(Integer.parseInt(listen.group(1)), "nginx listen");
      }
    } else if (isCollector(service)) {
      JsonNode config = collectorConfig(name);
      endpoints(config, "", service.path("environment"), out);
      for (JsonNode reader :
          config.path("service").path("telemetry").path("metrics").path("readers")) {
        JsonNode prometheus = reader.path("pull").path("exporter").path("prometheus");
        if (prometheus.has("port")) {
          out.put(
              Integer.parseInt(
                  interpolate(prometheus.path("port").asText(), service.path("environment"))),
              "service.telemetry.metrics");
        }
      }
    } else if (!command(service).isEmpty() && command(service).get(0).equals("java")) {
      JsonNode env = service.path("environment");
      switch (String.valueOf(mainClass(name, command(service)))) {
        case "dev.jobtrace.examples.WorkerApp" -> {
          out.put(
              Integer.parseInt(env.path("EXAMPLES_HTTP_PORT").asText("8081")),
              "EXAMPLES_HTTP_PORT");
          out.put(
              Integer.parseInt(env.path("EXAMPLES_DASHBOARD_PORT").asText("8000")),
              "EXAMPLES_DASHBOARD_PORT");
        }
        case "dev.jobtrace.examples.partner.PartnerApi" ->
            out.put(Integer.parseInt(env.path("PARTNER_PORT").asText("8082")), "PARTNER_PORT");
        case "dev.jobtrace.linker.LinkerMain" -> {
          // The linker binds 127.0.0.1 unless told otherwise: unreachable from outside its
          // container.
          if (env.path("JOBTRACE_LINKER_HOST").asText("127.0.0.1").equals("0.0.0.0")) {
            out.put(
                Integer.parseInt(env.path("JOBTRACE_LINKER_PORT").asText("8090")),
                "JOBTRACE_LINKER_PORT");
          }
        }
        default -> fail(name + " starts a main class whose ports this check does not know");
      }
    }
    out.remove(0);
    return out;
  }

  /** Every {@code --config} file the collector runs, in order. */
  static List<Path> configFiles(String name) {
    List<String> cmd = command(service(name));
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < cmd.size(); i++) {
      if (cmd.get(i).equals("--config") && i + 1 < cmd.size()) {
        out.add(hostPath(name, cmd.get(++i)));
      } else if (cmd.get(i).startsWith("--config=")) {
        out.add(hostPath(name, cmd.get(i).substring("--config=".length())));
      }
    }
    assertThat(out).as(name + " runs with --config").isNotEmpty();
    return out;
  }

  /**
   * The collector's configuration as it runs: its {@code --config} files merged in order (maps
   * merge, anything else is replaced), as the collector merges them.
   */
  static JsonNode collectorConfig(String name) throws Exception {
    JsonNode merged = null;
    for (Path file : configFiles(name)) {
      JsonNode next = YAML.readTree(file.toFile());
      merged = merged == null ? next : merge(merged, next);
    }
    return merged;
  }

  static JsonNode merge(JsonNode base, JsonNode over) {
    if (!base.isObject() || !over.isObject()) {
      return over;
    }
    ObjectNode out = ((ObjectNode) base).deepCopy();
    over.fields()
        .forEachRemaining(
            f ->
                out.set(
                    f.getKey(),
                    out.has(f.getKey()) ? merge(out.get(f.getKey()), f.getValue()) : f.getValue()));
    return out;
  }

  /** The nginx configuration files a service mounts under /etc/nginx, concatenated. */
  static String nginxConfig(String name) throws IOException {
    StringBuilder out = new StringBuilder();
    for (JsonNode v : service(name).path("volumes")) {
      if (v.path("type").asText().equals("bind")
          && v.path("target").asText().startsWith("/etc/nginx/")) {
        out.append(Files.readString(Path.of(v.path("source").asText()))).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * A setting of the Jaeger configuration, by its dotted path, as the service's environment makes
   * it.
   */
  static String jaegerSetting(String name, String path) throws Exception {
    JsonNode node = collectorConfig(name);
    for (String key : path.split("\\.")) {
      node = node.path(key);
    }
    assertThat(node.isValueNode()).as(path + " in the Jaeger configuration").isTrue();
    return interpolate(node.asText(), service(name).path("environment"));
  }

  /**
   * Every {@code endpoint: host:port} under node whose host is all interfaces, port -> its dotted
   * path.
   */
  static void endpoints(JsonNode node, String path, JsonNode env, Map<Integer, String> out) {
    node.fields()
        .forEachRemaining(
            f -> {
              String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
              if (f.getKey().equals("endpoint") && f.getValue().isTextual()) {
                String endpoint = interpolate(f.getValue().asText(), env);
                int colon = endpoint.lastIndexOf(':');
                String host = endpoint.substring(0, colon);
                if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]")) {
                  out.put(Integer.parseInt(endpoint.substring(colon + 1)), path);
                }
              } else if (f.getValue().isObject()) {
                endpoints(f.getValue(), at, env, out);
              }
            });
  }

  static Set<String> pipelines(String jaeger) throws Exception {
    Set<String> out = new TreeSet<>();
    collectorConfig(jaeger)
        .path("service")
        .path("pipelines")
        .fieldNames()
        .forEachRemaining(p -> out.add(p.replaceFirst("/.*", "")));
    return out;
  }

  /** The collector's {@code ${env:NAME:-default}}, from a service's environment. */
  static String interpolate(String value, JsonNode env) {
    Matcher m = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v =
          env.has(m.group(1))
              ? env.path(m.group(1)).asText()
              : m.group(2) == null ? "" : m.group(2);
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    return m.appendTail(out).toString();
  }

  static final Pattern URL = Pattern.compile("^(?:jdbc:)?[a-z][a-z0-9+.-]*://[^/\\s]+.*$");

  /** A URL naming a host (jdbc: URLs without their prefix); null for any other value. */
  static URI url(String value) {
    if (!URL.matcher(value).matches()) {
      return null;
    }
    URI url = URI.create(value.replaceFirst("^jdbc:", ""));
    return url.getHost() == null ? null : url;
  }

  /** A collector's target, {@code host:port} or a URL, as a URL; null when it names none. */
  static URI address(String target) {
    return url(target.contains("://") ? target : "http://" + target);
  }

  static int port(URI url) {
    if (url.getPort() != -1) {
      return url.getPort();
    }
    Integer port =
        Map.of("http", 80, "https", 443, "redis", 6379, "postgresql", 5432).get(url.getScheme());
    return port != null ? port : fail(url + " names no port");
  }

  static boolean isLocalhost(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1");
  }

  static Map<String, String> query(URI url) {
    Map<String, String> out = new HashMap<>();
    if (url.getRawQuery() != null) {
      for (String kv : url.getRawQuery().split("&")) {
        String[] p = kv.split("=", 2);
        out.put(
            java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p.length > 1 ? java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
      }
    }
    return out;
  }

  static boolean same(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (Exception e) {
      return false;
    }
  }
}
