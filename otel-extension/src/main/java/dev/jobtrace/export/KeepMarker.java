package dev.jobtrace.export;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.ReadableSpan;

/**
 * A zero-length child of a job span that is still running and already slow, exported at once with
 * {@link SpanContract#KEEP} {@code slow}: a tail sampler deciding on the trace before the job span
 * arrives (its decision wait is shorter than the job) finds the mark in time and keeps the trace.
 */
public final class KeepMarker extends MadeSpan {

  private KeepMarker(ReadableSpan job, Attributes attributes, long at) {
    super(job, job.getSpanContext(), SpanContract.KEEP_MARKER_NAME, attributes, at, at, true);
  }

  /** The marker of {@code job}, which has run {@code runningNanos} so far. */
  public static KeepMarker of(ReadableSpan job, long runningNanos) {
    Attributes attributes =
        Attributes.of(
            SpanContract.KEEP,
            SpanContract.KEEP_SLOW,
            SpanContract.KEEP_RUNNING_MS,
            runningNanos / 1_000_000);
    return new KeepMarker(job, attributes, job.toSpanData().getStartEpochNanos() + runningNanos);
  }
}
