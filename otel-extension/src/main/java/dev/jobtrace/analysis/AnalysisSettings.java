package dev.jobtrace.analysis;

import java.time.Duration;

/**
 * Job analysis settings, validated by {@link dev.jobtrace.config.JobtraceConfig}.
 *
 * @param repeatedMinCount the same call at least this many times in one job is a repeated call...
 * @param repeatedMinTotal ...when its calls add up to at least this
 * @param repeatedMaxAverage repeated calls averaging at least this are a slow statement, not a
 *     cheap call repeated
 * @param slowCall a single call at least this long is slow on its own
 * @param dominantShare calls adding up to at least this share of the job are worth a finding
 * @param maxFindings findings per job, most costly first
 * @param maxJobs jobs analysed at once; more get no breakdown
 * @param maxDistinctCalls distinct calls counted per job; more fold into one
 * @param compressionMaxCall calls shorter than this may be compressed into a composite span
 * @param compressionMinRun same-shape consecutive calls needed for a composite span
 * @param keyPatterns users' own id patterns for Redis key segments
 * @param queueWaitMinRatio a run that waited in its queue at least this many times its own
 *     duration...
 * @param queueWaitMin ...and at least this long gets a queue-wait finding
 * @param cpuMinShare a library family (or the application's code) computing for at least this share
 *     of a job's samples...
 * @param cpuMin ...and at least this long gets a cpu_hotspot finding
 * @param payloadMinBytes a job stored at least this large gets a large_payload finding
 * @param contentionSlowdown a statement whose calls, made while other runs in this JVM made it too,
 *     took at least this many times their usual time alone...
 * @param contentionMin ...and lost at least this much to it gets a contention finding
 */
public record AnalysisSettings(
    int repeatedMinCount,
    Duration repeatedMinTotal,
    Duration repeatedMaxAverage,
    Duration slowCall,
    double dominantShare,
    int maxFindings,
    int maxJobs,
    int maxDistinctCalls,
    boolean compressionEnabled,
    Duration compressionMaxCall,
    int compressionMinRun,
    KeyPatterns keyPatterns,
    double queueWaitMinRatio,
    Duration queueWaitMin,
    double cpuMinShare,
    Duration cpuMin,
    long payloadMinBytes,
    double contentionSlowdown,
    Duration contentionMin) {

  static final double DEFAULT_CONTENTION_SLOWDOWN = 3.0;
  static final Duration DEFAULT_CONTENTION_MIN = Duration.ofMillis(500);

  static final double DEFAULT_CPU_MIN_SHARE = 0.2;
  static final Duration DEFAULT_CPU_MIN = Duration.ofMillis(500);

  /**
   * 100 KiB: JobRunr's own guidance is to pass ids and small values; a job stored this large is
   * read and written whole on every state change.
   */
  static final long DEFAULT_PAYLOAD_MIN_BYTES = 100 * 1024;

  /**
   * The settings with the thresholds of the findings read from profiles and runs at their defaults.
   */
  public AnalysisSettings(
      int repeatedMinCount,
      Duration repeatedMinTotal,
      Duration repeatedMaxAverage,
      Duration slowCall,
      double dominantShare,
      int maxFindings,
      int maxJobs,
      int maxDistinctCalls,
      boolean compressionEnabled,
      Duration compressionMaxCall,
      int compressionMinRun,
      KeyPatterns keyPatterns,
      double queueWaitMinRatio,
      Duration queueWaitMin) {
    this(
        repeatedMinCount,
        repeatedMinTotal,
        repeatedMaxAverage,
        slowCall,
        dominantShare,
        maxFindings,
        maxJobs,
        maxDistinctCalls,
        compressionEnabled,
        compressionMaxCall,
        compressionMinRun,
        keyPatterns,
        queueWaitMinRatio,
        queueWaitMin,
        DEFAULT_CPU_MIN_SHARE,
        DEFAULT_CPU_MIN,
        DEFAULT_PAYLOAD_MIN_BYTES,
        DEFAULT_CONTENTION_SLOWDOWN,
        DEFAULT_CONTENTION_MIN);
  }

  public static AnalysisSettings defaults() {
    return new AnalysisSettings(
        5,
        Duration.ofMillis(50),
        Duration.ofMillis(5),
        Duration.ofMillis(500),
        0.2,
        5,
        1000,
        2000,
        true,
        Duration.ofMillis(50),
        5,
        KeyPatterns.NONE,
        1.0,
        // Above the polling frameworks' default intervals (JobRunr 15 s, db-scheduler 10 s): an
        // idle worker's next poll is not a queue backing up.
        Duration.ofSeconds(20));
  }
}
