package dev.jobtrace;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the agent hands jobtrace its configuration. Built for Java 8, like the agent, so that on a
 * JVM older than 17 it loads, says once why jobtrace is off, and lets the agent trace without it.
 */
public final class JobtraceAutoConfiguration implements AutoConfigurationCustomizerProvider {

  private static final Logger logger = Logger.getLogger(JobtraceAutoConfiguration.class.getName());

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    if (!JavaVersion.supported()) {
      logger.log(
          Level.WARNING,
          "jobtrace: off on Java "
              + JavaVersion.feature()
              + " (it needs Java 17 or newer); the OpenTelemetry agent traces without it");
      return;
    }
    new JobtraceSetup().customize(customizer);
  }
}
