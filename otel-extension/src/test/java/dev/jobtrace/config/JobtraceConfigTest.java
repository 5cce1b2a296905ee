package dev.jobtrace.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.profiler.ProfileSettings;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    assertThat(p.lockWaits()).isTrue();
  }

  @Test
  void theKeepMarkerComesAfterTenSecondsByDefaultAndZeroTurnsItOff() {
    assertThat(read(Collections.emptyMap()).profile().keepMarkAfter())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(read(Map.of("otel.jobtrace.keep.mark-after", "3s")).profile().keepMarkAfter())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(read(Map.of("otel.jobtrace.keep.mark-after", "0")).profile().keepMarkAfter())
        .isZero();
    Map<String, String> bad = Map.of("otel.jobtrace.keep.mark-after", "later");
    assertThat(read(bad).profile().keepMarkAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(logged(bad))
        .containsExactly(
            "jobtrace: invalid value \"later\" for otel.jobtrace.keep.mark-after; expected a"
                + " duration of at least 0ms, like 500ms or 2s; using 10000ms");
  }

  @Test
  void theExportBufferHasBoundsByDefaultAndZeroSpansTurnsItOff() {
    JobtraceConfig defaults = read(Collections.emptyMap());
    assertThat(defaults.exportBufferMaxSpans()).isEqualTo(50_000);
    assertThat(defaults.exportBufferMaxBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(read(Map.of("otel.jobtrace.export.buffer.max-spans", "0")).exportBufferMaxSpans())
        .isZero();
    JobtraceConfig bad =
        read(
            Map.of(
                "otel.jobtrace.export.buffer.max-spans", "-1",
                "otel.jobtrace.export.buffer.max-bytes", "1000"));
    assertThat(bad.exportBufferMaxSpans()).isEqualTo(50_000);
    assertThat(bad.exportBufferMaxBytes()).isEqualTo(64 * 1024 * 1024);
  }

  @Test
  void lockWaitRecordingCanBeSwitchedOffAndABadValueKeepsIt() {
    assertThat(read(Map.of("otel.jobtrace.profiler.lock-waits", "false")).profile().lockWaits())
        .isFalse();
    assertThat(read(Map.of("otel.jobtrace.profiler.lock-waits", "off")).profile().lockWaits())
        .isTrue();
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

  /** The lines JobtraceConfig logs while reading these values, formatted as the log shows them. */
  static List<String> logged(Map<String, String> values) {
    List<String> lines = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(new java.util.logging.SimpleFormatter().formatMessage(record));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(JobtraceConfig.class.getName());
    logger.addHandler(handler);
    try {
      read(values);
    } finally {
      logger.removeHandler(handler);
    }
    return lines;
  }

  @Test
  void queueWaitThresholdsDefaultToAWaitAsLongAsTheRunAndOneSecond() {
    AnalysisSettings a = read(Collections.emptyMap()).analysis();
    assertThat(a.queueWaitMinRatio()).isEqualTo(1.0);
    assertThat(a.queueWaitMin()).isEqualTo(Duration.ofSeconds(20));
    assertThat(logged(Collections.emptyMap())).isEmpty();
  }

  @Test
  void goodQueueWaitThresholdsApply() {
    AnalysisSettings a =
        read(Map.of(
                "otel.jobtrace.analysis.queue-wait.min-ratio", " 2.5 ",
                "otel.jobtrace.analysis.queue-wait.min", "30s"))
            .analysis();
    assertThat(a.queueWaitMinRatio()).isEqualTo(2.5);
    assertThat(a.queueWaitMin()).isEqualTo(Duration.ofSeconds(30));
    assertThat(read(Map.of("otel.jobtrace.analysis.queue-wait.min-ratio", "0")).analysis())
        .extracting(AnalysisSettings::queueWaitMinRatio)
        .isEqualTo(0.0);
  }

  @Test
  void badQueueWaitThresholdsAreNamedInOneLineEachAndFallBackToTheDefaults() {
    for (String ratio : List.of("fast", "-1", "1001", "NaN", "Infinity", "")) {
      Map<String, String> values =
          Map.of(
              "otel.jobtrace.analysis.queue-wait.min-ratio",
              ratio,
              "otel.jobtrace.analysis.queue-wait.min",
              "0ms");
      AnalysisSettings a = read(values).analysis();
      assertThat(a.queueWaitMinRatio()).as(ratio).isEqualTo(1.0);
      assertThat(a.queueWaitMin()).isEqualTo(Duration.ofSeconds(20));
      assertThat(logged(values))
          .containsExactlyInAnyOrder(
              "jobtrace: invalid value \""
                  + ratio
                  + "\" for otel.jobtrace.analysis.queue-wait.min-ratio;"
                  + " expected a number from 0 to 1000, like 1 or 2.5; using 1.0",
              "jobtrace: invalid value \"0ms\" for otel.jobtrace.analysis.queue-wait.min;"
                  + " expected a duration of at least 1ms, like 500ms or 2s; using 20000ms");
    }
    assertThat(read(Map.of("otel.jobtrace.analysis.queue-wait.min", "soon")).analysis())
        .extracting(AnalysisSettings::queueWaitMin)
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void contentionThresholdsApplyAndBadOnesFallBackToTheDefaultsInOneLineEach() {
    AnalysisSettings d = read(Collections.emptyMap()).analysis();
    assertThat(d.contentionSlowdown()).isEqualTo(3.0);
    assertThat(d.contentionMin()).isEqualTo(Duration.ofMillis(500));
    AnalysisSettings good =
        read(Map.of(
                "otel.jobtrace.finding.contention-slowdown", "5",
                "otel.jobtrace.finding.contention-min", "2s"))
            .analysis();
    assertThat(good.contentionSlowdown()).isEqualTo(5.0);
    assertThat(good.contentionMin()).isEqualTo(Duration.ofSeconds(2));
    Map<String, String> bad =
        Map.of(
            "otel.jobtrace.finding.contention-slowdown", "0.5",
            "otel.jobtrace.finding.contention-min", "often");
    AnalysisSettings fallback = read(bad).analysis();
    assertThat(fallback.contentionSlowdown()).isEqualTo(3.0);
    assertThat(fallback.contentionMin()).isEqualTo(Duration.ofMillis(500));
    assertThat(logged(bad))
        .containsExactlyInAnyOrder(
            "jobtrace: invalid value \"0.5\" for otel.jobtrace.finding.contention-slowdown;"
                + " expected a number from 1 to 1000, like 1 or 2.5; using 3.0",
            "jobtrace: invalid value \"often\" for otel.jobtrace.finding.contention-min;"
                + " expected a duration of at least 1ms, like 500ms or 2s; using 500ms");
  }
}
