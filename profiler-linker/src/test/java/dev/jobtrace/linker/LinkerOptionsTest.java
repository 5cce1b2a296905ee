package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkerOptionsTest {

  @Test
  void defaultsBindToLoopback() {
    LinkerOptions o = LinkerOptions.parse(new String[0], Map.of());
    assertThat(o.host).isEqualTo("127.0.0.1");
    assertThat(o.port).isEqualTo(8090);
    assertThat(o.jaegerUrl.toString()).isEqualTo("http://127.0.0.1:16686");
    assertThat(o.jaegerUiUrl).isEqualTo(o.jaegerUrl);
    assertThat(o.prometheusUrl).as("no Prometheus unless one is named").isNull();
  }

  @Test
  void prometheusIsNamedByFlagOrEnvironmentAndMustBeAnHttpUrl() {
    assertThat(
            LinkerOptions.parse(
                    new String[0],
                    Map.of("JOBTRACE_LINKER_PROMETHEUS_URL", "http://prometheus:9090"))
                .prometheusUrl
                .toString())
        .isEqualTo("http://prometheus:9090");
    assertThat(
            LinkerOptions.parse(
                    new String[] {"--prometheus-url", "https://metrics.example:443/prom"},
                    Map.of("JOBTRACE_LINKER_PROMETHEUS_URL", "http://prometheus:9090"))
                .prometheusUrl
                .toString())
        .isEqualTo("https://metrics.example:443/prom");
    assertThat(
            LinkerOptions.parse(new String[0], Map.of("JOBTRACE_LINKER_PROMETHEUS_URL", ""))
                .prometheusUrl)
        .as("an empty variable, as compose files leave them, is no Prometheus")
        .isNull();
    assertThatThrownBy(
            () ->
                LinkerOptions.parse(new String[] {"--prometheus-url", "prometheus:9090"}, Map.of()))
        .hasMessageStartingWith("bad value \"prometheus:9090\" for --prometheus-url");
  }

  @Test
  void environmentSetsEachOptionAndFlagsWin() {
    LinkerOptions o =
        LinkerOptions.parse(
            new String[] {"--port", "9000"},
            Map.of(
                "JOBTRACE_LINKER_JAEGER_URL",
                "http://jaeger:16686",
                "JOBTRACE_LINKER_HOST",
                "0.0.0.0",
                "JOBTRACE_LINKER_PORT",
                "8091",
                "JOBTRACE_LINKER_JAEGER_TIMEOUT_MS",
                "1500",
                "JOBTRACE_LINKER_JAEGER_UI_URL",
                "http://localhost:16686"));
    assertThat(o.jaegerUrl.toString()).isEqualTo("http://jaeger:16686");
    assertThat(o.jaegerUiUrl.toString()).isEqualTo("http://localhost:16686");
    assertThat(o.host).isEqualTo("0.0.0.0");
    assertThat(o.port).isEqualTo(9000);
    assertThat(o.jaegerTimeout).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> LinkerOptions.parse(new String[] {"--port", "http"}, Map.of()))
        .hasMessageStartingWith("bad value \"http\" for --port");
    assertThatThrownBy(
            () -> LinkerOptions.parse(new String[] {"--jaeger-url", "jaeger:16686"}, Map.of()))
        .hasMessageStartingWith("bad value \"jaeger:16686\" for --jaeger-url");
    assertThatThrownBy(() -> LinkerOptions.parse(new String[] {"--colour", "red"}, Map.of()))
        .hasMessageStartingWith("unknown option --colour");
    assertThatThrownBy(() -> LinkerOptions.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("needs a value");
    assertThat(LinkerOptions.parse(new String[] {"--help"}, Map.of()).help).isTrue();
  }

  @Test
  void jaegerUiLinkPatternPointsAtTheProfilePage() throws Exception {
    JsonNode ui = new ObjectMapper().readTree(Path.of("jaeger", "ui-config.json").toFile());
    JsonNode pattern = ui.path("linkPatterns").get(0);
    assertThat(pattern.path("type").asText()).isEqualTo("tags");
    assertThat(pattern.path("key").asText()).isEqualTo("jobtrace.profile.id");
    assertThat(pattern.path("url").asText()).endsWith("/profiles/#{jobtrace.profile.id}");
  }
}
