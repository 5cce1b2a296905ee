package dev.jobtrace.profile;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Sits in front of an exporting span processor: job spans and slow spans of job traces reach it
 * only once their analysis and profile are complete (or their wait is over), runs of identical
 * short calls as one composite span; everything else passes straight through.
 */
public final class ExportGate implements SpanProcessor {

  private final SpanProcessor delegate;
  private final JobTraceTracker tracker;

  public ExportGate(SpanProcessor delegate, JobTraceTracker tracker) {
    this.delegate = delegate;
    this.tracker = tracker;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    delegate.onStart(parentContext, span);
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    boolean held = false;
    try {
      held = tracker.hold(span, delegate);
    } catch (Throwable t) {
      tracker.logErrorOnce(t);
    }
    if (!held) {
      delegate.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode forceFlush() {
    tracker.drain();
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    tracker.stop();
    return delegate.shutdown();
  }
}
