package dev.jobtrace.tracking;

import dev.jobtrace.FaultInjection;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;

/** Wraps the agent's context storage to see every attach and detach, on every thread. */
public final class ActivationTracking implements ContextStorage {

  private final ContextStorage delegate;
  private final JobTraceTracker tracker;

  public ActivationTracking(ContextStorage delegate, JobTraceTracker tracker) {
    this.delegate = delegate;
    this.tracker = tracker;
  }

  @Override
  public Scope attach(Context toAttach) {
    Scope scope = delegate.attach(toAttach);
    changed(toAttach);
    return () -> {
      scope.close();
      changed(delegate.current());
    };
  }

  private void changed(Context now) {
    try {
      FaultInjection.at("activation");
      tracker.onCurrentChanged(now);
    } catch (Throwable t) {
      tracker.logErrorOnce(t);
    }
  }

  @Override
  public Context current() {
    return delegate.current();
  }

  @Override
  public Context root() {
    return delegate.root();
  }
}
