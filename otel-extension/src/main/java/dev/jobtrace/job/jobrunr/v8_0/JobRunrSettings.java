package dev.jobtrace.job.jobrunr.v8_0;

/**
 * The JobRunr settings as resolved by the extension, which validates them through the agent's
 * configuration and publishes the result here: this code runs in the application's class loader,
 * where the agent's configuration is not reachable.
 */
public final class JobRunrSettings {

  public static final String PROPAGATION_PROPERTY = "jobtrace.internal.jobrunr.propagation";

  private JobRunrSettings() {}

  static String propagation() {
    return System.getProperty(PROPAGATION_PROPERTY, "link");
  }
}
