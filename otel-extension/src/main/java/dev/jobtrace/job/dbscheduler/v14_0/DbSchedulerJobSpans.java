package dev.jobtrace.job.dbscheduler.v14_0;

import com.github.kagkarlsson.scheduler.task.Execution;
import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.job.JobOutcome;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Job spans for db-scheduler: one per execution of a task instance, named by the task, from the
 * moment the worker executes it to the moment the task returns or throws. Runs inside the
 * application's class loader, called from advice that swallows anything thrown here.
 */
public final class DbSchedulerJobSpans {

  private static final Logger logger = Logger.getLogger(DbSchedulerJobSpans.class.getName());
  private static final Once failureLogged = new Once();

  /** The execution in progress on this worker thread; one at a time. */
  private static final ThreadLocal<TaskRun> CURRENT = new ThreadLocal<>();

  private DbSchedulerJobSpans() {}

  public static void start(Execution execution) {
    try {
      FaultInjection.at("db-scheduler");
      end(null); // an execution whose end was never seen: close it before the next
      String task = execution.taskInstance.getTaskName();
      String instance = execution.taskInstance.getId();
      Instant now = Instant.now();
      Span span =
          GlobalOpenTelemetry.getTracer("dev.jobtrace.db-scheduler")
              .spanBuilder(task)
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(Context.root())
              .setAttribute(SpanContract.JOB_NAME, task)
              .setAttribute(SpanContract.JOB_SYSTEM, "db-scheduler")
              .setAttribute(SpanContract.JOB_ID, instance)
              .setAttribute(SpanContract.JOB_DISPLAY_NAME, task + " " + instance)
              .setAttribute(SpanContract.JOB_ATTEMPT, (long) execution.consecutiveFailures + 1)
              .setAttribute(
                  SpanContract.JOB_QUEUE_LATENCY_MS,
                  queueLatencyMillis(execution.executionTime, now))
              .startSpan();
      CURRENT.set(new TaskRun(span, Context.root().with(span).makeCurrent()));
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  /**
   * The task returned ({@code thrown} null) or threw; a second call for the same run does nothing.
   */
  public static void end(Throwable thrown) {
    TaskRun run = CURRENT.get();
    if (run == null) {
      return;
    }
    CURRENT.remove();
    try {
      run.scope.close();
      JobOutcome.record(run.span, thrown);
    } catch (Throwable t) {
      logFailureOnce(t);
    } finally {
      run.span.end();
    }
  }

  /** From the time the execution was due to the start of its run; never negative. */
  static long queueLatencyMillis(Instant due, Instant started) {
    return due == null ? 0 : Math.max(0, Duration.between(due, started).toMillis());
  }

  private static void logFailureOnce(Throwable t) {
    if (failureLogged.first()) {
      logger.log(
          Level.WARNING,
          "jobtrace: db-scheduler job span skipped after an internal error: " + t,
          t);
    }
  }

  /** The span of one execution and the scope that made it current. */
  static final class TaskRun {
    final Span span;
    final Scope scope;

    TaskRun(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }
  }
}
