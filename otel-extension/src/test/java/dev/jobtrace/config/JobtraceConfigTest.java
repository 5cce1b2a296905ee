package dev.jobtrace.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.profiler.ProfileSettings;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.time.Duration;
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
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", "Child")).propagation())
        .isEqualTo(Propagation.CHILD);
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", " none ")).propagation())
        .isEqualTo(Propagation.NONE);
  }

  @Test
  void unknownPropagationFallsBackToLink() {
    assertThat(read(Map.of("otel.jobtrace.jobrunr.propagation", "parent")).propagation())
        .isEqualTo(Propagation.LINK);
  }

  @Test
  void profileSettingsHaveMeasuredDefaults() {
    ProfileSettings p = read(Collections.emptyMap()).profile();
    assertThat(p.threshold()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.interval()).isEqualTo(Duration.ofMillis(10));
    assertThat(p.profilerEnabled()).isTrue();
    assertThat(p.maxSnippetBytes()).isEqualTo(65536);
  }

  @Test
  void applicationPackagesAreReadAsPrefixesAndMalformedOnesDropped() {
    assertThat(read(Collections.emptyMap()).profile().appPackages()).isEmpty();
    assertThat(
            read(Map.of(
                    "otel.jobtrace.profile.app-packages",
                    " com.acme , org.example.billing.,9bad,a..b,"))
                .profile()
                .appPackages())
        .containsExactly("com.acme.", "org.example.billing.");
  }

  @Test
  void redisIdPatternsCompileAndBadOnesAreDropped() {
    assertThat(read(Collections.emptyMap()).analysis().keyPatterns().isEmpty()).isTrue();
    assertThat(
            read(Map.of("otel.jobtrace.shape.redis-ids", "[A-Z]{3}[0-9]{2}; (unclosed ;sku-[0-9]+"))
                .analysis()
                .keyPatterns()
                .toString())
        .isEqualTo("[[A-Z]{3}[0-9]{2}, sku-[0-9]+]");
  }

  @Test
  void badProfileValuesFallBackToDefaults() {
    ProfileSettings p =
        read(Map.of(
                "otel.jobtrace.profile.threshold", "soon",
                "otel.jobtrace.profiler.interval", "0ms",
                "otel.jobtrace.profiler.enabled", "yes",
                "otel.jobtrace.profile.max-bytes", "1000000",
                "otel.jobtrace.profile.min-samples", "many"))
            .profile();
    assertThat(p.threshold()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.interval()).isEqualTo(Duration.ofMillis(10));
    assertThat(p.profilerEnabled()).isTrue();
    assertThat(p.maxSnippetBytes()).isEqualTo(65536);
    assertThat(p.minSamples()).isEqualTo(10);
  }

  @Test
  void goodProfileValuesApply() {
    ProfileSettings p =
        read(Map.of(
                "otel.jobtrace.profile.threshold",
                "2s",
                "otel.jobtrace.profiler.interval",
                "20ms",
                "otel.jobtrace.profiler.enabled",
                "FALSE"))
            .profile();
    assertThat(p.threshold()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.interval()).isEqualTo(Duration.ofMillis(20));
    assertThat(p.profilerEnabled()).isFalse();
  }
}
