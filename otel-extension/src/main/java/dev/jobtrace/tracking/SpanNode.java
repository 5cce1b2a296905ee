package dev.jobtrace.tracking;

import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.JobAnalysis;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.profiler.LockWaits;
import dev.jobtrace.profiler.SampleRuns;
import java.util.HashMap;
import java.util.Map;

/**
 * A span of a job trace as the profiler sees it: its parent (within the job trace), when it ran on
 * the monotonic clock, and the stacks sampled while it or any of its descendants was current. The
 * stack counts are touched by the profile collector thread only.
 */
public final class SpanNode {
  public final String spanId;
  public final SpanNode parent;
  public final long startNanos;

  /** A job span: the root of its own analysis. */
  final boolean job;

  /** The analysis of the job this span belongs to; null when the job is not analysed. */
  final JobAnalysis analysis;

  /** What kind of call this span is; null when it is no call. */
  public final CallKind callKind;

  public volatile long endNanos;

  /** The call's normalized statement, once it has ended. */
  public volatile String statement;

  /** Some of its work ran on a virtual thread. */
  volatile boolean onVirtualThread;

  /** Stack to {count, id}: ids in the order stacks were first sampled, which {@link #runs} use. */
  final Map<String, long[]> stacks = new HashMap<>();

  long samples;

  /** The samples' order; null until the first sample, or when the timeline is off. */
  SampleRuns runs;

  /** On a job span: the waits for contended locks of its threads; null until the first. */
  LockWaits lockWaits;

  SpanNode(String spanId, SpanNode parent, long startNanos) {
    this(spanId, parent, startNanos, false, null, null);
  }

  SpanNode(
      String spanId,
      SpanNode parent,
      long startNanos,
      boolean job,
      JobAnalysis analysis,
      CallKind callKind) {
    this.spanId = spanId;
    this.parent = parent;
    this.startNanos = startNanos;
    this.job = job;
    this.analysis = analysis;
    this.callKind = callKind;
  }

  /**
   * Counts one sample of {@code stack}. A new stack beyond {@code maxStacks} distinct ones counts
   * as {@link ProfileSnippetFormat#OTHER}, as the snippet folds them; returns false when that
   * happened. With {@code maxRuns} above 0 the sample's place in time is kept too.
   */
  boolean add(
      String stack,
      ActivationTimeline.ThreadLog ran,
      long nanoTime,
      int maxStacks,
      long intervalNanos,
      int maxRuns) {
    samples++;
    long[] count = stacks.get(stack);
    boolean kept = true;
    if (count == null) {
      if (stacks.size() < maxStacks) {
        count = new long[] {0, stacks.size()};
        stacks.put(stack, count);
      } else {
        kept = false;
        count =
            stacks.computeIfAbsent(ProfileSnippetFormat.OTHER, k -> new long[] {0, stacks.size()});
      }
    }
    count[0]++;
    if (maxRuns > 0 && ran != null) {
      if (runs == null) {
        runs = new SampleRuns(intervalNanos, maxRuns);
      }
      runs.add(ran.thread.getId(), ran, ActivationTimeline::name, nanoTime, (int) count[1]);
    }
    return kept;
  }
}
