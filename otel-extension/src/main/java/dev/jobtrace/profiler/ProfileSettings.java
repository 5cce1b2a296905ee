package dev.jobtrace.profiler;

import java.time.Duration;
import java.util.List;

/**
 * The profiling settings, validated by {@link dev.jobtrace.config.JobtraceConfig}.
 *
 * @param threshold spans in a job trace at least this long get a snippet
 * @param interval wall-clock sampling interval
 * @param flushInterval how often the recording is read; bounds how late a snippet can be
 * @param maxWait how long a slow span may wait for its late samples before it is exported anyway
 * @param minSamples below this many samples a span carries an error instead of a profile
 * @param maxSnippetBytes the encoded snippet's size cap, in bytes
 * @param recordingDir where async-profiler's recording file lives
 * @param maxStacksPerSpan distinct stacks kept per span while it runs; further new stacks count as
 *     "other"
 * @param appPackages the application's own packages (prefixes ending in a dot), which the
 *     hot-frames line names; when empty, every frame that is not the JDK's, a known library's or a
 *     framework's
 * @param timelineMaxRuns runs of samples kept per span for its timeline (the samples' order);
 *     beyond it the runs merge pairwise; 0 keeps no timeline
 * @param lockWaits whether waits for contended Java locks are recorded too
 * @param keepMarkAfter a job still running after this (and the threshold) gets its keep marker span
 *     at once; zero gives none
 */
public record ProfileSettings(
    Duration threshold,
    boolean profilerEnabled,
    Duration interval,
    Duration flushInterval,
    Duration maxWait,
    int minSamples,
    int maxSnippetBytes,
    String recordingDir,
    int maxStacksPerSpan,
    List<String> appPackages,
    int timelineMaxRuns,
    boolean lockWaits,
    Duration keepMarkAfter) {

  public ProfileSettings {
    appPackages = List.copyOf(appPackages);
  }
}
