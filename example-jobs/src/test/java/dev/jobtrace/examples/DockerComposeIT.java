package dev.jobtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked against what it must
 * contain and against the repository it mounts from, after the jars are built.
 */
class DockerComposeIT {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final JsonNode COMPOSE = read();

  static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(REPO.resolve("docker-compose.yml").toFile());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode service(String name) {
    JsonNode s = COMPOSE.path("services").path(name);
    assertThat(s.isMissingNode()).as("service " + name).isFalse();
    return s;
  }

  /** container path -> host path, for a service's bind mounts. */
  static Map<String, String> mounts(String name) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode v : service(name).path("volumes")) {
      String[] parts = v.asText().split(":");
      out.put(parts[1], parts[0]);
    }
    return out;
  }

  static List<String> ports(String name) {
    List<String> out = new ArrayList<>();
    service(name).path("ports").forEach(p -> out.add(p.asText()));
    return out;
  }

  static String env(String service, String key) {
    return service(service).path("environment").path(key).asText(null);
  }

  static List<String> command(String name) {
    List<String> out = new ArrayList<>();
    service(name).path("command").forEach(c -> out.add(c.asText()));
    return out;
  }

  @Test
  void hasEveryPartOfTheDemo() {
    List<String> names = new ArrayList<>();
    COMPOSE.path("services").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder(
        "postgres", "redis", "jaeger", "profiler-linker", "partner-api", "example-jobs");
  }

  @Test
  void everyMountedFileExistsOnceTheJarsAreBuilt() {
    for (Iterator<String> it = COMPOSE.path("services").fieldNames(); it.hasNext(); ) {
      String name = it.next();
      mounts(name).forEach((container, host) ->
          assertThat(REPO.resolve(host)).as(name + " mounts " + host).exists());
    }
  }

  @Test
  void jaegerRunsTheRepositorysConfigWithTheProfileLinkPattern() throws Exception {
    List<String> cmd = command("jaeger");
    String config = cmd.get(cmd.indexOf("--config") + 1);
    Map<String, String> mounts = mounts("jaeger");
    assertThat(mounts).containsEntry(config, "./profiler-linker/jaeger/jaeger-config.yaml");
    assertThat(mounts).containsEntry(env("jaeger", "JAEGER_UI_CONFIG"), "./profiler-linker/jaeger/ui-config.json");
    assertThat(ports("jaeger")).contains("16686:16686", "4318:4318");
    // The link pattern points at the linker as the browser reaches it.
    JsonNode ui = new ObjectMapper().readTree(REPO.resolve("profiler-linker/jaeger/ui-config.json").toFile());
    URI link = URI.create(ui.path("linkPatterns").get(0).path("url").asText().replace("#{jobtrace.profile.id}", "x"));
    assertThat(ports("profiler-linker")).contains(link.getPort() + ":" + env("profiler-linker", "JOBTRACE_LINKER_PORT"));
    assertThat(env("profiler-linker", "JOBTRACE_LINKER_JAEGER_URL")).isEqualTo("http://jaeger:16686");
    assertThat(env("profiler-linker", "JOBTRACE_LINKER_HOST")).isEqualTo("0.0.0.0");
  }

  @Test
  void workerAndPartnerRunUnderTheAgentExportingToJaeger() {
    for (String name : List.of("example-jobs", "partner-api")) {
      String agentFlag = command(name).stream().filter(c -> c.startsWith("-javaagent:")).findFirst()
          .orElseThrow(() -> new AssertionError(name + " runs without -javaagent"));
      assertThat(mounts(name)).containsEntry(agentFlag.substring("-javaagent:".length()), "./otel-extension/target/jobtrace-agent.jar");
      assertThat(env(name, "OTEL_EXPORTER_OTLP_ENDPOINT")).isEqualTo("http://jaeger:4318");
      assertThat(env(name, "OTEL_SERVICE_NAME")).isEqualTo(name);
      // Jaeger has no metrics or logs receiver: exporting them would only log errors.
      assertThat(env(name, "OTEL_METRICS_EXPORTER")).isEqualTo("none");
      assertThat(env(name, "OTEL_LOGS_EXPORTER")).isEqualTo("none");
    }
  }

  @Test
  void servicesFindEachOtherWhereTheyListen() {
    assertThat(env("example-jobs", "EXAMPLES_PARTNER_URL")).isEqualTo("http://partner-api:" + env("partner-api", "PARTNER_PORT"));
    assertThat(env("example-jobs", "EXAMPLES_REDIS_URL")).isEqualTo("redis://redis:6379");
    String db = "jdbc:postgresql://postgres:5432/" + env("postgres", "POSTGRES_DB") + "?user=postgres&password="
        + env("postgres", "POSTGRES_PASSWORD");
    assertThat(env("example-jobs", "EXAMPLES_DB_URL")).isEqualTo(db);
    assertThat(env("partner-api", "PARTNER_DB_URL")).isEqualTo(db);
    assertThat(ports("example-jobs")).contains(env("example-jobs", "EXAMPLES_HTTP_PORT") + ":" + env("example-jobs", "EXAMPLES_HTTP_PORT"),
        env("example-jobs", "EXAMPLES_DASHBOARD_PORT") + ":" + env("example-jobs", "EXAMPLES_DASHBOARD_PORT"));
  }

  @Test
  void startOrderWaitsForHealthyDependencies() {
    for (Iterator<String> it = COMPOSE.path("services").fieldNames(); it.hasNext(); ) {
      String name = it.next();
      service(name).path("depends_on").fields().forEachRemaining(dep -> {
        if (dep.getValue().path("condition").asText().equals("service_healthy")) {
          assertThat(service(dep.getKey()).has("healthcheck")).as(name + " waits for " + dep.getKey() + " to be healthy").isTrue();
        }
      });
    }
    assertThat(service("example-jobs").path("depends_on").path("partner-api").path("condition").asText()).isEqualTo("service_healthy");
    assertThat(service("example-jobs").path("depends_on").path("postgres").path("condition").asText()).isEqualTo("service_healthy");
    assertThat(service("example-jobs").path("depends_on").path("redis").path("condition").asText()).isEqualTo("service_healthy");
  }
}
