package dev.jobtrace.job;

import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.config.JobMethods;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.tracking.JobTraceTracker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Recognizes job spans: marks the spans the upstream agent makes for Quartz jobs, Spring
 * {@code @Scheduled} methods and the configured job methods with the job attributes, and records
 * the job metrics when any job span ends. Never throws: a failure here costs telemetry, not jobs.
 */
public final class JobSpanProcessor implements SpanProcessor {

  static final String QUARTZ_SCOPE = "io.opentelemetry.quartz-2.0";
  static final String SPRING_SCOPE = "io.opentelemetry.spring-scheduling-3.1";
  static final String METHODS_SCOPE = "io.opentelemetry.methods";

  private static final AttributeKey<String> CODE_NAMESPACE =
      AttributeKey.stringKey("code.namespace");
  private static final AttributeKey<String> CODE_FUNCTION = AttributeKey.stringKey("code.function");
  private static final AttributeKey<String> CODE_FUNCTION_NAME =
      AttributeKey.stringKey("code.function.name");

  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");

  private static final Logger logger = Logger.getLogger(JobSpanProcessor.class.getName());

  private final JobMethods jobMethods;
  private final JobTraceTracker tracker;
  private final JobMetrics metrics = new JobMetrics();
  private final Once failureLogged = new Once();

  /** Null until the first job span has ended. */
  private volatile Optional<String> serviceVersion;

  public JobSpanProcessor(JobMethods jobMethods, JobTraceTracker tracker) {
    this.jobMethods = jobMethods;
    this.tracker = tracker;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      FaultInjection.at("processor");
      String scope = span.getInstrumentationScopeInfo().getName();
      switch (scope) {
        case QUARTZ_SCOPE:
          mark(span, "quartz", span.getName());
          break;
        case SPRING_SCOPE:
          mark(span, "spring", qualifiedMethod(span, span.getName()));
          break;
        case METHODS_SCOPE:
          String method = qualifiedMethod(span, null);
          if (method != null && isConfiguredJob(method)) {
            mark(span, "method", method);
          }
          break;
        default:
      }
      tracker.onStart(span, span.getAttribute(SpanContract.JOB_SYSTEM) != null);
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      FaultInjection.at("processor");
      tracker.onEnd(span);
      String system = span.getAttribute(SpanContract.JOB_SYSTEM);
      if (system == null) {
        return;
      }
      String outcome = span.getAttribute(SpanContract.JOB_OUTCOME);
      if (outcome == null) {
        outcome =
            span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR
                ? SpanContract.OUTCOME_FAILURE
                : SpanContract.OUTCOME_SUCCESS;
      }
      String name = span.getAttribute(SpanContract.JOB_NAME);
      metrics.record(
          span.getSpanContext(),
          serviceVersion(span),
          name == null ? span.getName() : name,
          system,
          outcome,
          span.getLatencyNanos(),
          span.getAttribute(SpanContract.JOB_QUEUE_LATENCY_MS));
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  /**
   * The SDK's {@code service.version}: one resource for every span of this SDK, so it is read off
   * the first job span's data once, not copied out of each.
   */
  private String serviceVersion(ReadableSpan span) {
    Optional<String> version = serviceVersion;
    if (version == null) {
      version = Optional.ofNullable(span.toSpanData().getResource().getAttribute(SERVICE_VERSION));
      serviceVersion = version;
    }
    return version.orElse(null);
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  private static void mark(ReadWriteSpan span, String system, String name) {
    span.setAttribute(SpanContract.JOB_SYSTEM, system);
    span.setAttribute(SpanContract.JOB_NAME, name);
  }

  private boolean isConfiguredJob(String qualifiedMethod) {
    int dot = qualifiedMethod.lastIndexOf('.');
    return dot > 0
        && jobMethods.contains(
            qualifiedMethod.substring(0, dot), qualifiedMethod.substring(dot + 1));
  }

  /** {@code pkg.Class.method} from the code attributes, old or new semantic conventions. */
  static String qualifiedMethod(ReadableSpan span, String fallback) {
    String function = span.getAttribute(CODE_FUNCTION);
    String namespace = span.getAttribute(CODE_NAMESPACE);
    if (function != null && namespace != null) {
      return namespace + "." + function;
    }
    String functionName = span.getAttribute(CODE_FUNCTION_NAME);
    return functionName != null ? functionName : fallback;
  }

  private void logFailureOnce(Throwable t) {
    if (failureLogged.first()) {
      logger.log(
          Level.WARNING, "jobtrace: job span processing skipped after an internal error: " + t, t);
    }
  }
}
