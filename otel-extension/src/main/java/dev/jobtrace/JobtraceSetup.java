package dev.jobtrace;

import dev.jobtrace.calls.CallTimeoutTags;
import dev.jobtrace.config.JobtraceConfig;
import dev.jobtrace.export.BufferingExporter;
import dev.jobtrace.export.ExportGate;
import dev.jobtrace.job.JobFrameworkSettings;
import dev.jobtrace.job.JobSpanProcessor;
import dev.jobtrace.job.jobrunr.v8_0.JobRunrSettings;
import dev.jobtrace.tracking.ActivationTracking;
import dev.jobtrace.tracking.JobTraceTracker;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Where jobtrace takes the agent's configuration and the SDK under construction (Java 17+). */
final class JobtraceSetup {

  static final String METHODS_INCLUDE = "otel.instrumentation.methods.include";
  static final String THREAD_DETAILS = "otel.javaagent.add-thread-details";

  private static final Logger logger = Logger.getLogger(JobtraceSetup.class.getName());

  private volatile JobtraceConfig config;
  private final JobTraceTracker tracker = new JobTraceTracker();
  private final ExportGate gate = new ExportGate(tracker);

  void customize(AutoConfigurationCustomizer customizer) {
    try {
      // Sample-to-span attribution follows context activation on every thread.
      ContextStorage.addWrapper(storage -> new ActivationTracking(storage, tracker));
    } catch (Throwable t) {
      String why = "context activation cannot be followed (" + t + ")";
      tracker.activationUnavailable(why);
      logger.log(Level.WARNING, "jobtrace: " + why + "; slow spans will carry no profile");
    }
    customizer.addPropertiesCustomizer(this::readConfig);
    // Each exporter takes spans at once and holds them through an outage of its backend.
    customizer.addSpanExporterCustomizer(
        (exporter, properties) -> {
          JobtraceConfig cfg = config(properties);
          if (cfg.exportBufferMaxSpans() == 0) {
            return exporter;
          }
          try {
            return new BufferingExporter(
                exporter,
                cfg.exportBufferMaxSpans(),
                cfg.exportBufferMaxBytes(),
                cfg.exportBufferDir());
          } catch (Throwable t) {
            logger.log(
                Level.WARNING,
                "jobtrace: spans go to the exporter directly, not held through outages ("
                    + t
                    + ")");
            return exporter;
          }
        });
    // Every exporter setup goes behind one gate, so each receives each span once.
    customizer.addSpanProcessorCustomizer((processor, properties) -> gate.guard(processor));
    customizer.addTracerProviderCustomizer(
        (builder, properties) -> {
          JobtraceConfig cfg = config(properties);
          // Before any instrumentation is installed: the virtual-thread and call-timeout advice
          // resolve these hooks.
          BootstrapBridge.install(cfg.profile().recordingDir());
          if (BootstrapBridge.failure() != null) {
            logger.log(
                Level.WARNING,
                "jobtrace: bootstrap hooks not installed ("
                    + BootstrapBridge.failure()
                    + "); JDBC and HTTP calls' timeouts go unread, so no no_timeout findings");
          }
          CallTimeoutTags.listen();
          tracker.start(cfg.profile(), cfg.analysis());
          return builder.addSpanProcessor(new JobSpanProcessor(cfg.jobs(), tracker));
        });
  }

  private Map<String, String> readConfig(ConfigProperties properties) {
    JobtraceConfig cfg = config(properties);
    System.setProperty(JobRunrSettings.PROPAGATION_PROPERTY, cfg.propagation().configValue());
    System.setProperty(
        JobFrameworkSettings.BOOKKEEPING_TRACED_PROPERTY, String.valueOf(cfg.bookkeepingTraced()));
    System.setProperty(
        JobFrameworkSettings.PARAMETER_VALUES_PROPERTY, String.valueOf(cfg.parameterValues()));
    System.setProperty(
        JobFrameworkSettings.SLOW_CHUNK_MILLIS_PROPERTY,
        String.valueOf(cfg.profile().threshold().toMillis()));
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
