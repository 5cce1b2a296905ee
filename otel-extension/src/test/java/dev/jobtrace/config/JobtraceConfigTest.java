package dev.jobtrace.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobtraceConfigTest {

  static JobtraceConfig read(Map<String, String> values) {
    return JobtraceConfig.read(DefaultConfigProperties.createFromMap(values));
  }

  @Test
  void defaultsWhenNothingIsSet() {
    JobtraceConfig config = read(Collections.emptyMap());
    assertThat(config.propagation()).isEqualTo(Propagation.LINK);
    assertThat(config.jobs().isEmpty()).isTrue();
  }

  @Test
  void propagationIsReadCaseInsensitively() {
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", "Child")).propagation()).isEqualTo(Propagation.CHILD);
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", " none ")).propagation()).isEqualTo(Propagation.NONE);
  }

  @Test
  void unknownPropagationFallsBackToLink() {
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", "parent")).propagation()).isEqualTo(Propagation.LINK);
  }
}
