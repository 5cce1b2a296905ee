package dev.jobtrace.job.jobrunr.v8_0;

import dev.jobtrace.config.Propagation;

/**
 * The JobRunr settings as resolved by the extension, which validates them through the agent's
 * configuration and publishes the result here: this code runs in the application's class loader,
 * where the agent's configuration is not reachable.
 */
public final class JobRunrSettings {

  public static final String PROPAGATION_PROPERTY = "jobtrace.internal.jobrunr.propagation";

  private JobRunrSettings() {}

  /** As the extension resolved it; {@link Propagation#LINK} before it has. */
  static Propagation propagation() {
    Propagation p = Propagation.parse(System.getProperty(PROPAGATION_PROPERTY));
    return p == null ? Propagation.LINK : p;
  }
}
