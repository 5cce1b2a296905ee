package dev.jobtrace.job.dbscheduler.v14_0;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.job.JobFrameworkInstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * db-scheduler (14 to 16): a job span per task execution, one-time and recurring alike, and its
 * polling, heartbeats and dead-execution checks kept out of the traces. The upstream agent has no
 * db-scheduler instrumentation.
 */
public final class DbSchedulerInstrumentationModule extends JobFrameworkInstrumentationModule {

  public DbSchedulerInstrumentationModule() {
    super("jobtrace-db-scheduler", "db-scheduler");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    return hasClassesNamed(
        "com.github.kagkarlsson.scheduler.ExecutePicked",
        "com.github.kagkarlsson.scheduler.task.Execution");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new DbSchedulerExecutionInstrumentation(), new DbSchedulerBookkeepingInstrumentation());
  }

  @Override
  protected List<String> frameworkHelperClassNames() {
    return Arrays.asList(
        "dev.jobtrace.job.dbscheduler.v14_0.DbSchedulerJobSpans",
        "dev.jobtrace.job.dbscheduler.v14_0.DbSchedulerJobSpans$TaskRun",
        "dev.jobtrace.job.dbscheduler.v14_0.DbSchedulerJobSpans$TaskAttributes",
        "dev.jobtrace.job.dbscheduler.v14_0.DbSchedulerJobSpans$Singletons");
  }
}
