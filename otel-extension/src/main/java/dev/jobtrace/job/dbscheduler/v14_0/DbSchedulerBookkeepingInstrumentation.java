package dev.jobtrace.job.dbscheduler.v14_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jobtrace.job.BookkeepingAdvice;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * db-scheduler's own threads: the loop that polls for due executions, the housekeeping that updates
 * heartbeats and looks for dead executions, and the start-up and shutdown of the scheduler
 * (scheduling its recurring tasks, releasing what it held).
 */
public final class DbSchedulerBookkeepingInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(
        "com.github.kagkarlsson.scheduler.RunUntilShutdown",
        "com.github.kagkarlsson.scheduler.RunAndLogErrors",
        "com.github.kagkarlsson.scheduler.Scheduler");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("run")
            .and(takesArguments(0))
            .or(named("executeOnStartup").and(takesArguments(0)))
            .or(named("stop").and(takesArguments(2))),
        BookkeepingAdvice.class.getName());
  }
}
