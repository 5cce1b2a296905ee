package dev.jobtrace.job;

import dev.jobtrace.contract.SpanContract;
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
      span.setAttribute(SpanContract.JOB_OUTCOME, SpanContract.OUTCOME_FAILURE);
    } else {
      span.setAttribute(SpanContract.JOB_OUTCOME, SpanContract.OUTCOME_SUCCESS);
    }
  }
}
