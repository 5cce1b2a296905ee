package dev.jobtrace.job.dbscheduler.v14_0;

import com.github.kagkarlsson.scheduler.task.Execution;
import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.instrumenter.SpanKindExtractor;
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
      Instrumenter<Execution, Void> instrumenter = Singletons.INSTRUMENTER;
      if (!instrumenter.shouldStart(Context.root(), execution)) {
        return;
      }
      Context context = instrumenter.start(Context.root(), execution);
      CURRENT.set(new TaskRun(execution, context, context.makeCurrent()));
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
      run.scope().close();
      Singletons.INSTRUMENTER.end(run.context(), run.execution(), null, thrown);
    } catch (Throwable t) {
      logFailureOnce(t);
      Span.fromContext(run.context()).end();
    }
  }

  /** The one Instrumenter of db-scheduler job spans: CONSUMER spans named by the task. */
  static final class Singletons {
    static final Instrumenter<Execution, Void> INSTRUMENTER =
        Instrumenter.<Execution, Void>builder(
                GlobalOpenTelemetry.get(),
                "dev.jobtrace.db-scheduler",
                execution -> execution.taskInstance.getTaskName())
            .addAttributesExtractor(new TaskAttributes())
            .buildInstrumenter(SpanKindExtractor.alwaysConsumer());

    private Singletons() {}
  }

  /** The job attributes of the span contract, and the run's outcome. */
  static final class TaskAttributes implements AttributesExtractor<Execution, Void> {
    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, Execution execution) {
      String task = execution.taskInstance.getTaskName();
      String instance = execution.taskInstance.getId();
      attributes.put(SpanContract.JOB_NAME, task);
      attributes.put(SpanContract.JOB_SYSTEM, "db-scheduler");
      attributes.put(SpanContract.JOB_ID, instance);
      attributes.put(SpanContract.JOB_DISPLAY_NAME, task + " " + instance);
      attributes.put(SpanContract.JOB_ATTEMPT, (long) execution.consecutiveFailures + 1);
      attributes.put(
          SpanContract.JOB_QUEUE_LATENCY_MS,
          queueLatencyMillis(execution.executionTime, Instant.now()));
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        Execution execution,
        Void unused,
        Throwable error) {
      attributes.put(
          SpanContract.JOB_OUTCOME,
          error == null ? SpanContract.OUTCOME_SUCCESS : SpanContract.OUTCOME_FAILURE);
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

  /** One execution: its context (holding the job span) and the scope that made it current. */
  record TaskRun(Execution execution, Context context, Scope scope) {}
}
