package dev.jobtrace.config;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * jobtrace's settings, read through the agent's configuration so that each works as a system
 * property {@code otel.jobtrace.*} and as an environment variable {@code OTEL_JOBTRACE_*}. A bad
 * value logs one line naming it and falls back to the default: the application never fails because
 * of jobtrace.
 */
public final class JobtraceConfig {

  public static final String JOBS = "otel.jobtrace.jobs";
  public static final String JOBRUNR_PROPAGATION = "otel.jobtrace.jobrunr.propagation";

  static final Propagation DEFAULT_PROPAGATION = Propagation.LINK;

  private static final Logger logger = Logger.getLogger(JobtraceConfig.class.getName());

  private final JobMethods jobs;
  private final Propagation propagation;

  JobtraceConfig(JobMethods jobs, Propagation propagation) {
    this.jobs = jobs;
    this.propagation = propagation;
  }

  public static JobtraceConfig read(ConfigProperties config) {
    JobMethods jobs = JobMethods.parse(config.getString(JOBS));
    if (!jobs.rejected().isEmpty()) {
      logger.log(
          Level.WARNING,
          "jobtrace: ignoring malformed entries {0} in {1}; expected pkg.Class[method1,method2];pkg.Other[run]",
          new Object[] {quoted(jobs.rejected()), JOBS});
    }

    String rawPropagation = config.getString(JOBRUNR_PROPAGATION);
    Propagation propagation = Propagation.parse(rawPropagation);
    if (propagation == null) {
      if (rawPropagation != null) {
        logger.log(
            Level.WARNING,
            "jobtrace: unknown value \"{0}\" for {1}; expected child, link or none; using {2}",
            new Object[] {rawPropagation, JOBRUNR_PROPAGATION, DEFAULT_PROPAGATION.configValue()});
      }
      propagation = DEFAULT_PROPAGATION;
    }
    return new JobtraceConfig(jobs, propagation);
  }

  private static String quoted(java.util.List<String> values) {
    StringBuilder out = new StringBuilder();
    for (String v : values) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append('"').append(v).append('"');
    }
    return out.toString();
  }

  public JobMethods jobs() {
    return jobs;
  }

  public Propagation propagation() {
    return propagation;
  }
}
