package dev.jobtrace.profile;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Sits in front of an exporting span processor: slow spans of job traces reach it only once their
 * profile is complete (or their wait is over); everything else passes straight through.
 */
public final class ProfileExport implements SpanProcessor {

  private final SpanProcessor delegate;
  private final ProfileRecorder recorder;

  public ProfileExport(SpanProcessor delegate, ProfileRecorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
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
      held = recorder.hold(span, delegate);
    } catch (Throwable t) {
      recorder.logErrorOnce(t);
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
    recorder.drain();
    return delegate.forceFlush();
  }

  @Override
  public CompletableResultCode shutdown() {
    recorder.stop();
    return delegate.shutdown();
  }
}
