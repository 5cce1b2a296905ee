package dev.jobtrace.analysis;

import java.time.Duration;

/** Job analysis settings, validated by {@link dev.jobtrace.config.JobtraceConfig}. */
public final class AnalysisSettings {
  /** The same call at least this many times in one job is a repeated call... */
  public final int repeatedMinCount;

  /** ...when its calls add up to at least this. */
  public final Duration repeatedMinTotal;

  /** Repeated calls averaging at least this are a slow statement, not a cheap call repeated. */
  public final Duration repeatedMaxAverage;

  /** A single call at least this long is slow on its own. */
  public final Duration slowCall;

  /** Calls adding up to at least this share of the job are worth a finding. */
  public final double dominantShare;

  /** Findings per job, most costly first. */
  public final int maxFindings;

  /** Jobs analysed at once; more get no breakdown. */
  public final int maxJobs;

  /** Distinct calls counted per job; more fold into one. */
  public final int maxDistinctCalls;

  public final boolean compressionEnabled;

  /** Calls shorter than this may be compressed into a composite span. */
  public final Duration compressionMaxCall;

  /** Identical consecutive calls needed for a composite span. */
  public final int compressionMinRun;

  /** Users' own id patterns for Redis key segments. */
  public final KeyPatterns keyPatterns;

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
      KeyPatterns keyPatterns) {
    this.keyPatterns = keyPatterns;
    this.repeatedMaxAverage = repeatedMaxAverage;
    this.repeatedMinCount = repeatedMinCount;
    this.repeatedMinTotal = repeatedMinTotal;
    this.slowCall = slowCall;
    this.dominantShare = dominantShare;
    this.maxFindings = maxFindings;
    this.maxJobs = maxJobs;
    this.maxDistinctCalls = maxDistinctCalls;
    this.compressionEnabled = compressionEnabled;
    this.compressionMaxCall = compressionMaxCall;
    this.compressionMinRun = compressionMinRun;
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
        KeyPatterns.NONE);
  }
}
