package dev.jobtrace.job.quartz.v2_5;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.trace.Span;
import java.util.Date;
import org.quartz.JobExecutionContext;

/** Runs in the application's class loader, called from advice that swallows anything thrown. */
public final class QuartzRunAttributes {

  private QuartzRunAttributes() {}

  public static void describeCurrentSpan(JobExecutionContext context) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(SpanContract.JOB_ID, context.getFireInstanceId());
    span.setAttribute(SpanContract.JOB_ATTEMPT, context.getRefireCount() + 1L);
    Date scheduled = context.getScheduledFireTime();
    Date fired = context.getFireTime();
    if (scheduled != null && fired != null) {
      span.setAttribute(
          SpanContract.JOB_QUEUE_LATENCY_MS, Math.max(0, fired.getTime() - scheduled.getTime()));
    }
  }
}
