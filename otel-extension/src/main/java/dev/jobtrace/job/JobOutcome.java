package dev.jobtrace.job;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/** How a job run ended, on its job span: the exception and an error status, or success. */
public final class JobOutcome {

  private JobOutcome() {}

  /** {@code cause} is what the job threw, null when it returned. */
  public static void record(Span span, Throwable cause) {
    if (cause != null) {
      span.recordException(cause);
      span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
      span.setAttribute(JobAttributes.OUTCOME, JobAttributes.OUTCOME_FAILURE);
    } else {
      span.setAttribute(JobAttributes.OUTCOME, JobAttributes.OUTCOME_SUCCESS);
    }
  }
}
