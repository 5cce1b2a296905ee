package dev.jobtrace.profiler;

import java.time.Duration;
import java.util.List;

/** The profiling settings, validated by {@link dev.jobtrace.config.JobtraceConfig}. */
public final class ProfileSettings {

  /** Spans in a job trace at least this long get a snippet. */
  public final Duration threshold;

  public final boolean profilerEnabled;

  /** Wall-clock sampling interval. */
  public final Duration interval;

  /** How often the recording is read; bounds how late a snippet can be. */
  public final Duration flushInterval;

  /** How long a slow span may wait for its late samples before it is exported anyway. */
  public final Duration maxWait;

  /** Below this many samples a span carries an error instead of a profile. */
  public final int minSamples;

  /** The encoded snippet's size cap, in bytes. */
  public final int maxSnippetBytes;

  /** Where async-profiler's recording file lives. */
  public final String recordingDir;

  /** Distinct stacks kept per span while it runs; further new stacks count as "other". */
  public final int maxStacksPerSpan;

  /**
   * The application's own packages (prefixes ending in a dot), which the hot-frames line names;
   * when empty, every frame that is not the JDK's, a known library's or a framework's.
   */
  public final List<String> appPackages;

  public ProfileSettings(
      Duration threshold,
      boolean profilerEnabled,
      Duration interval,
      Duration flushInterval,
      Duration maxWait,
      int minSamples,
      int maxSnippetBytes,
      String recordingDir,
      int maxStacksPerSpan,
      List<String> appPackages) {
    this.threshold = threshold;
    this.profilerEnabled = profilerEnabled;
    this.interval = interval;
    this.flushInterval = flushInterval;
    this.maxWait = maxWait;
    this.minSamples = minSamples;
    this.maxSnippetBytes = maxSnippetBytes;
    this.recordingDir = recordingDir;
    this.maxStacksPerSpan = maxStacksPerSpan;
    this.appPackages = List.copyOf(appPackages);
  }
}
