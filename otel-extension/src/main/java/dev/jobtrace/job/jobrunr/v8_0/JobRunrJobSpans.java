package dev.jobtrace.job.jobrunr.v8_0;

import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.config.Propagation;
import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.instrumenter.SpanKindExtractor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.jobrunr.jobs.states.EnqueuedState;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.ProcessingState;

/**
 * Job spans for JobRunr: the trace context of the code that enqueues a job travels in the job's
 * metadata (persisted with the job), and each execution becomes one span. Runs inside the
 * application's class loader, called from advice that swallows anything thrown here.
 */
public final class JobRunrJobSpans {

  private static final Logger logger = Logger.getLogger(JobRunrJobSpans.class.getName());
  private static final Once failureLogged = new Once();

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
      if (job.getVersion() != 0
          || job.getMetadata().containsKey(SpanContract.METADATA_TRACEPARENT)) {
        return;
      }
      Context current = Context.current();
      // Unsampled: nothing to link to (and JobRunr's own bookkeeping context is unsampled).
      if (!Span.fromContext(current).getSpanContext().isSampled()) {
        return;
      }
      Map<String, Object> metadata = job.getMetadata();
      W3CTraceContextPropagator.getInstance()
          .inject(
              current, metadata, (carrier, key, value) -> carrier.put("jobtrace." + key, value));
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  /** At the start of a job execution: the job span, made current. Null when none could be made. */
  public static JobRun start(Job job) {
    try {
      FaultInjection.at("jobrunr");
      SpanContext enqueuer = enqueuer(job);
      Context parent = Context.root();
      if (JobRunrSettings.propagation() == Propagation.CHILD && enqueuer.isValid()) {
        parent = parent.with(Span.wrap(enqueuer));
      }
      Instrumenter<Job, Void> instrumenter = Singletons.INSTRUMENTER;
      if (!instrumenter.shouldStart(parent, job)) {
        return null;
      }
      Context context = instrumenter.start(parent, job);
      return new JobRun(job, context, context.makeCurrent());
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
      // The Instrumenter unwraps the reflective call's InvocationTargetException to the job's own.
      Singletons.INSTRUMENTER.end(run.context, run.job, null, thrown);
    } catch (Throwable t) {
      logFailureOnce(t);
      Span.fromContext(run.context).end();
    }
  }

  /**
   * The enqueuer's span, from the trace context stored in the job's metadata; invalid when none.
   */
  static SpanContext enqueuer(Job job) {
    return Span.fromContext(
            W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), job.getMetadata(), METADATA_GETTER))
        .getSpanContext();
  }

  static String spanName(Job job) {
    JobDetails details = job.getJobDetails();
    return simpleName(details.getClassName()) + "." + details.getMethodName();
  }

  /** The one Instrumenter of JobRunr job spans: CONSUMER spans named {@code Class.method}. */
  static final class Singletons {
    static final Instrumenter<Job, Void> INSTRUMENTER =
        Instrumenter.<Job, Void>builder(
                GlobalOpenTelemetry.get(), "dev.jobtrace.jobrunr", JobRunrJobSpans::spanName)
            .addAttributesExtractor(new JobAttributes())
            .addSpanLinksExtractor(
                (links, parentContext, job) -> {
                  SpanContext enqueuer = enqueuer(job);
                  if (JobRunrSettings.propagation() == Propagation.LINK && enqueuer.isValid()) {
                    links.addLink(enqueuer);
                  }
                })
            .buildInstrumenter(SpanKindExtractor.alwaysConsumer());

    private Singletons() {}
  }

  /** The job attributes of the span contract, and the run's outcome. */
  static final class JobAttributes implements AttributesExtractor<Job, Void> {
    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, Job job) {
      JobDetails details = job.getJobDetails();
      attributes.put(SpanContract.JOB_NAME, details.getClassName() + "." + details.getMethodName());
      attributes.put(SpanContract.JOB_SYSTEM, "jobrunr");
      attributes.put(SpanContract.JOB_ID, String.valueOf(job.getId()));
      attributes.put(SpanContract.JOB_ATTEMPT, attempt(job));
      earlierAttempts(job, attributes);
      JobRunrPayloads.Payload payload = JobRunrPayloads.take(job);
      if (payload != null) {
        attributes.put(SpanContract.JOB_PAYLOAD_BYTES, payload.bytes());
        attributes.put(SpanContract.JOB_PAYLOAD_READ_MS, payload.readNanos() / 1_000_000);
      }
      attributes.put(SpanContract.JOB_DISPLAY_NAME, job.getJobName());
      Long latency = queueLatencyMillis(job);
      if (latency != null) {
        attributes.put(SpanContract.JOB_QUEUE_LATENCY_MS, latency);
      }
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes, Context context, Job job, Void unused, Throwable error) {
      attributes.put(
          SpanContract.JOB_OUTCOME,
          error == null ? SpanContract.OUTCOME_SUCCESS : SpanContract.OUTCOME_FAILURE);
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

  /** Failures kept on a retry's span: the last ones. */
  static final int MAX_PREVIOUS_FAILURES = 5;

  /** A failure's message is cut to this. */
  static final int MAX_FAILURE_CHARS = 200;

  /**
   * A retry's earlier attempts from the job's own history: what each failed with, how long they ran
   * (each from its processing to its failure), and since when the job is being tried.
   */
  static void earlierAttempts(Job job, AttributesBuilder attributes) {
    List<String> failures = new ArrayList<>();
    long ranMillis = 0;
    Instant firstStart = null;
    Instant processing = null;
    List<JobState> states = job.getJobStates();
    // The last state is this attempt's processing.
    for (int i = 0; i < states.size() - 1; i++) {
      JobState state = states.get(i);
      if (state instanceof ProcessingState) {
        processing = state.getCreatedAt();
        if (firstStart == null) {
          firstStart = processing;
        }
      } else if (state instanceof FailedState failed) {
        String message = failed.getExceptionMessage();
        String failure =
            failed.getExceptionType()
                + (message == null || message.isBlank() ? "" : ": " + message);
        failures.add(
            failure.length() <= MAX_FAILURE_CHARS
                ? failure
                : failure.substring(0, MAX_FAILURE_CHARS - 1) + "…");
        if (processing != null) {
          ranMillis += Math.max(0, Duration.between(processing, failed.getCreatedAt()).toMillis());
          processing = null;
        }
      }
    }
    if (failures.isEmpty()) {
      return;
    }
    attributes.put(
        SpanContract.JOB_PREVIOUS_FAILURES,
        failures.subList(Math.max(0, failures.size() - MAX_PREVIOUS_FAILURES), failures.size()));
    attributes.put(SpanContract.JOB_PREVIOUS_ATTEMPTS_MS, ranMillis);
    if (firstStart != null) {
      attributes.put(
          SpanContract.JOB_RETRYING_FOR_MS,
          Math.max(0, Duration.between(firstStart, job.getJobState().getCreatedAt()).toMillis()));
    }
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
    if (failureLogged.first()) {
      logger.log(
          Level.WARNING, "jobtrace: JobRunr job span skipped after an internal error: " + t, t);
    }
  }

  /** One job execution: its context (holding the job span) and the scope that made it current. */
  public static final class JobRun {
    final Job job;
    final Context context;
    final Scope scope;

    JobRun(Job job, Context context, Scope scope) {
      this.job = job;
      this.context = context;
      this.scope = scope;
    }
  }
}
