package dev.jobtrace.job;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Job frameworks poll their storage every few seconds from their own threads (JobRunr,
 * db-scheduler, Quartz's JDBC store) and record every run in it (Spring Batch's job repository);
 * traced, each poll would be a trace of its own and bury the job traces. While a framework does its
 * bookkeeping, an unsampled parent is current, so the agent's default parent-based sampling drops
 * those spans, and the operation is counted on the metric {@code jobtrace.bookkeeping.untraced}. A
 * job itself runs under its own job span, started from the root context whatever is current around
 * it. {@code otel.jobtrace.bookkeeping.traced=true} traces the bookkeeping like any other code.
 */
public final class Bookkeeping {

  /** Counts, on a job run's context, the bookkeeping operations done inside the run. */
  public static final ContextKey<AtomicLong> IN_JOB =
      ContextKey.named("jobtrace-bookkeeping-in-job");

  private static volatile LongCounter untraced;

  private Bookkeeping() {}

  /**
   * Bookkeeping outside any trace (a poll, a heartbeat) runs untraced; inside a trace it is left
   * alone (scheduling a job from a request stays in the request's trace).
   */
  public static Scope enter(String origin) {
    if (JobFrameworkSettings.bookkeepingTraced() || Span.current().getSpanContext().isValid()) {
      return null;
    }
    count(origin);
    return Context.current().with(Span.wrap(unsampled(null))).makeCurrent();
  }

  /**
   * Bookkeeping that runs inside a job too (Spring Batch's job repository, written at every chunk):
   * untraced wherever it runs, and counted on the job run it ran for, apart from the job's own
   * work.
   */
  public static Scope enterAnywhere(String origin) {
    if (JobFrameworkSettings.bookkeepingTraced()) {
      return null;
    }
    Context current = Context.current();
    SpanContext parent = Span.fromContext(current).getSpanContext();
    if (parent.isValid() && !parent.isSampled()) {
      return null; // bookkeeping within bookkeeping, or a trace that is not recorded anyway
    }
    AtomicLong inJob = current.get(IN_JOB);
    if (inJob != null) {
      inJob.incrementAndGet();
    }
    count(origin);
    return current
        .with(Span.wrap(unsampled(parent.isValid() ? parent.getTraceId() : null)))
        .makeCurrent();
  }

  public static void exit(Scope scope) {
    if (scope != null) {
      scope.close();
    }
  }

  private static SpanContext unsampled(String traceId) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return SpanContext.create(
        traceId != null ? traceId : hex(random.nextLong() | 1L) + hex(random.nextLong()),
        hex(random.nextLong() | 1L),
        TraceFlags.getDefault(),
        TraceState.getDefault());
  }

  private static void count(String origin) {
    LongCounter counter = untraced;
    if (counter == null) {
      counter =
          GlobalOpenTelemetry.getMeter("dev.jobtrace")
              .counterBuilder("jobtrace.bookkeeping.untraced")
              .setUnit("{operation}")
              .setDescription(
                  "Operations of job frameworks' own bookkeeping that jobtrace left out of the traces")
              .build();
      untraced = counter;
    }
    counter.add(1, Attributes.of(SpanContract.JOB_SYSTEM, system(origin)));
  }

  /** The framework of an instrumented class, by its package. */
  static String system(String className) {
    if (className.startsWith("org.jobrunr.")) {
      return "jobrunr";
    } else if (className.startsWith("com.github.kagkarlsson.")) {
      return "db-scheduler";
    } else if (className.startsWith("org.springframework.batch.")) {
      return "spring-batch";
    } else if (className.startsWith("org.quartz.")) {
      return "quartz";
    }
    return "other";
  }

  private static String hex(long value) {
    String s = Long.toHexString(value);
    return "0000000000000000".substring(s.length()) + s;
  }
}
