package dev.jobtrace.job;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Job frameworks poll their storage every few seconds from their own threads (JobRunr, db-scheduler);
 * traced, each poll would be a trace of its own and bury the job traces. While a framework does its
 * bookkeeping, an unsampled parent is current, so the agent's default parent-based sampling drops
 * those spans. The job itself runs under its own job span, started from the root context whatever
 * is current around it.
 */
public final class Bookkeeping {

  private Bookkeeping() {}

  public static Scope enter() {
    if (Span.current().getSpanContext().isValid()) {
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    SpanContext unsampled =
        SpanContext.create(
            hex(random.nextLong() | 1L) + hex(random.nextLong()),
            hex(random.nextLong() | 1L),
            TraceFlags.getDefault(),
            TraceState.getDefault());
    return Context.current().with(Span.wrap(unsampled)).makeCurrent();
  }

  public static void exit(Scope scope) {
    if (scope != null) {
      scope.close();
    }
  }

  private static String hex(long value) {
    String s = Long.toHexString(value);
    return "0000000000000000".substring(s.length()) + s;
  }
}
