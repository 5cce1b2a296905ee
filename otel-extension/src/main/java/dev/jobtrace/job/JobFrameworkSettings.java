package dev.jobtrace.job;

/**
 * The job frameworks' settings as resolved by the extension, which validates them through the
 * agent's configuration and publishes the result here: this code runs in the application's class
 * loader, where the agent's configuration is not reachable.
 */
public final class JobFrameworkSettings {

  public static final String BOOKKEEPING_TRACED_PROPERTY = "jobtrace.internal.bookkeeping.traced";
  public static final String PARAMETER_VALUES_PROPERTY =
      "jobtrace.internal.spring-batch.parameter-values";
  public static final String SLOW_CHUNK_MILLIS_PROPERTY =
      "jobtrace.internal.spring-batch.slow-chunk-ms";

  private JobFrameworkSettings() {}

  /** True when the frameworks' bookkeeping is to be traced like any other code. */
  public static boolean bookkeepingTraced() {
    return Boolean.getBoolean(BOOKKEEPING_TRACED_PROPERTY);
  }

  public static boolean parameterValues() {
    return Boolean.getBoolean(PARAMETER_VALUES_PROPERTY);
  }

  /** A chunk this slow (the profile threshold) keeps a span of its own. */
  public static long slowChunkNanos() {
    return Long.getLong(SLOW_CHUNK_MILLIS_PROPERTY, 500L) * 1_000_000L;
  }
}
