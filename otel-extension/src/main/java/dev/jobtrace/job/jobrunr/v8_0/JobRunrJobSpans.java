package dev.jobtrace.job.jobrunr.v8_0;

import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.FaultInjection;
import dev.jobtrace.job.JobOutcome;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.jobrunr.jobs.states.EnqueuedState;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.JobState;

/**
 * Job spans for JobRunr: the trace context of the code that enqueues a job travels in the job's
 * metadata (persisted with the job), and each execution becomes one span. Runs inside the
 * application's class loader, called from advice that swallows anything thrown here.
 */
public final class JobRunrJobSpans {


  private static final Logger logger = Logger.getLogger(JobRunrJobSpans.class.getName());
  private static volatile boolean failureLogged;

  private static final TextMapGetter<Map<String, Object>> METADATA_GETTER =
      new TextMapGetter<>() {
        @Override
        public String get(Map<String, Object> carrier, String key) {
          Object value = carrier == null ? null : carrier.get("jobtrace." + key);
          return value instanceof String ? (String) value : null;
        }
      };

  private JobRunrJobSpans() {}

  /** At job creation: remember the span that enqueued it. */
  public static void recordEnqueuer(Job job) {
    try {
      if (job.getVersion() != 0 || job.getMetadata().containsKey(SpanContract.METADATA_TRACEPARENT)) {
        return;
      }
      Context current = Context.current();
      // Unsampled: nothing to link to (and JobRunr's own bookkeeping context is unsampled).
      if (!Span.fromContext(current).getSpanContext().isSampled()) {
        return;
      }
      Map<String, Object> metadata = job.getMetadata();
      W3CTraceContextPropagator.getInstance()
          .inject(current, metadata, (carrier, key, value) -> carrier.put("jobtrace." + key, value));
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  /** At the start of a job execution: the job span, made current. Null when none could be made. */
  public static JobRun start(Job job) {
    try {
      FaultInjection.at("jobrunr");
      JobDetails details = job.getJobDetails();
      String className = details.getClassName();
      String method = details.getMethodName();
      Tracer tracer = GlobalOpenTelemetry.getTracer("dev.jobtrace.jobrunr");
      SpanBuilder builder =
          tracer
              .spanBuilder(simpleName(className) + "." + method)
              .setSpanKind(SpanKind.CONSUMER)
              .setAttribute(SpanContract.JOB_NAME, className + "." + method)
              .setAttribute(SpanContract.JOB_SYSTEM, "jobrunr")
              .setAttribute(SpanContract.JOB_ID, String.valueOf(job.getId()))
              .setAttribute(SpanContract.JOB_ATTEMPT, attempt(job))
              .setAttribute(SpanContract.JOB_DISPLAY_NAME, job.getJobName());
      Long latency = queueLatencyMillis(job);
      if (latency != null) {
        builder.setAttribute(SpanContract.JOB_QUEUE_LATENCY_MS, latency);
      }

      SpanContext enqueuer =
          Span.fromContext(
                  W3CTraceContextPropagator.getInstance()
                      .extract(Context.root(), job.getMetadata(), METADATA_GETTER))
              .getSpanContext();
      Context parent = Context.root();
      switch (JobRunrSettings.propagation()) {
        case "child":
          if (enqueuer.isValid()) {
            parent = Context.root().with(Span.wrap(enqueuer));
          }
          break;
        case "none":
          break;
        default:
          if (enqueuer.isValid()) {
            builder.addLink(enqueuer);
          }
      }
      Span span = builder.setParent(parent).startSpan();
      Scope scope = parent.with(span).makeCurrent();
      return new JobRun(span, scope);
    } catch (Throwable t) {
      logFailureOnce(t);
      return null;
    }
  }

  /** At the end of a job execution, on the thread that started it. */
  public static void end(JobRun run, Throwable thrown) {
    if (run == null) {
      return;
    }
    try {
      run.scope.close();
      Throwable cause = thrown;
      if (cause instanceof InvocationTargetException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      JobOutcome.record(run.span, cause);
    } catch (Throwable t) {
      logFailureOnce(t);
    } finally {
      run.span.end();
    }
  }

  /** 1 for the first execution, 2 for the first retry, and so on. */
  static long attempt(Job job) {
    long failures = 0;
    for (JobState state : job.getJobStates()) {
      if (state instanceof FailedState) {
        failures++;
      }
    }
    return failures + 1;
  }

  /** From the last time the job was enqueued to the start of this execution. */
  static Long queueLatencyMillis(Job job) {
    EnqueuedState enqueued = job.getLastJobStateOfType(EnqueuedState.class).orElse(null);
    if (enqueued == null) {
      return null;
    }
    Instant started = job.getJobState().getCreatedAt();
    return Math.max(0, Duration.between(enqueued.getEnqueuedAt(), started).toMillis());
  }

  static String simpleName(String className) {
    int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
    return dot < 0 ? className : className.substring(dot + 1);
  }

  private static void logFailureOnce(Throwable t) {
    if (!failureLogged) {
      failureLogged = true;
      logger.log(Level.WARNING, "jobtrace: JobRunr job span skipped after an internal error: " + t, t);
    }
  }

  /** The span of one job execution and the scope that made it current. */
  public static final class JobRun {
    final Span span;
    final Scope scope;

    JobRun(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }
  }
}
