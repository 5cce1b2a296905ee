package dev.jobtrace;

import dev.jobtrace.config.JobtraceConfig;
import dev.jobtrace.job.JobSpanProcessor;
import dev.jobtrace.job.jobrunr.JobRunrSettings;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.HashMap;
import java.util.Map;

/** Where the agent hands jobtrace its configuration and the SDK under construction. */
public final class JobtraceAutoConfiguration implements AutoConfigurationCustomizerProvider {

  static final String METHODS_INCLUDE = "otel.instrumentation.methods.include";
  static final String THREAD_DETAILS = "otel.javaagent.add-thread-details";

  private volatile JobtraceConfig config;

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesCustomizer(this::readConfig);
    customizer.addTracerProviderCustomizer(
        (builder, properties) -> builder.addSpanProcessor(new JobSpanProcessor(config(properties).jobs())));
  }

  private Map<String, String> readConfig(ConfigProperties properties) {
    JobtraceConfig cfg = config(properties);
    System.setProperty(JobRunrSettings.PROPAGATION_PROPERTY, cfg.propagation().configValue());
    Map<String, String> overrides = new HashMap<>();
    // Which thread did the work is half of a job's story; keep the user's choice if made.
    if (properties.getString(THREAD_DETAILS) == null) {
      overrides.put(THREAD_DETAILS, "true");
    }
    if (!cfg.jobs().isEmpty()) {
      // Configured job methods get their spans from the upstream method instrumentation.
      String include = cfg.jobs().toMethodsInclude();
      String existing = properties.getString(METHODS_INCLUDE);
      if (existing != null && !existing.isBlank()) {
        include = existing + ";" + include;
      }
      overrides.put(METHODS_INCLUDE, include);
    }
    return overrides;
  }

  private synchronized JobtraceConfig config(ConfigProperties properties) {
    if (config == null) {
      config = JobtraceConfig.read(properties);
    }
    return config;
  }
}
