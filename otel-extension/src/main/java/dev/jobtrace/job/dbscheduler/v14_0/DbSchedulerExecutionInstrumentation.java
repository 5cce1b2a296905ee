package dev.jobtrace.job.dbscheduler.v14_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import com.github.kagkarlsson.scheduler.task.Execution;
import dev.jobtrace.job.BookkeepingAdvice;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ExecutePicked} runs one picked execution on a worker thread: the job span starts when it
 * executes the task and ends when the task has returned or thrown, before db-scheduler records the
 * outcome in its table (that update, like the rest of the worker's bookkeeping, runs under an
 * unsampled context and leaves no trace).
 */
public final class DbSchedulerExecutionInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("com.github.kagkarlsson.scheduler.ExecutePicked");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String advice = DbSchedulerExecutionInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        named("run").and(takesArguments(0)), BookkeepingAdvice.class.getName());
    transformer.applyAdviceToMethod(
        named("executePickedExecution")
            .and(takesArguments(2))
            .and(takesArgument(0, named("com.github.kagkarlsson.scheduler.task.Execution"))),
        advice + "$ExecuteAdvice");
    transformer.applyAdviceToMethod(
        named("complete").and(takesArguments(3)), advice + "$CompleteAdvice");
    transformer.applyAdviceToMethod(
        named("failure").and(takesArguments(5)).and(takesArgument(2, Throwable.class)),
        advice + "$FailureAdvice");
  }

  @SuppressWarnings("unused")
  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) Execution execution) {
      DbSchedulerJobSpans.start(execution);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Thrown Throwable thrown) {
      DbSchedulerJobSpans.end(thrown);
    }
  }

  @SuppressWarnings("unused")
  public static class CompleteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter() {
      DbSchedulerJobSpans.end(null);
    }
  }

  @SuppressWarnings("unused")
  public static class FailureAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(2) Throwable cause) {
      DbSchedulerJobSpans.end(cause);
    }
  }
}
