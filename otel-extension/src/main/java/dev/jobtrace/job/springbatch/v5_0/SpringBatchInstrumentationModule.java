package dev.jobtrace.job.springbatch.v5_0;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.job.JobFrameworkInstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Spring Batch 5 and 6: a job span per job execution, a span per step execution, slow or failed
 * chunks as spans, and the job repository's bookkeeping untraced. The upstream agent's own Spring
 * Batch instrumentation covers only Spring Batch 3 and 4.
 */
public final class SpringBatchInstrumentationModule extends JobFrameworkInstrumentationModule {

  public SpringBatchInstrumentationModule() {
    super("jobtrace-spring-batch", "spring-batch");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    // JobRepository's 5.0+ form: findJobExecutions or getJobExecutions by instance; the step
    // package's AbstractStep has been where it is since 2.x.
    return hasClassesNamed(
        "org.springframework.batch.core.job.AbstractJob",
        "org.springframework.batch.core.step.AbstractStep");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new SpringBatchExecutionInstrumentation(),
        new SpringBatchChunkInstrumentation(),
        new SpringBatchBookkeepingInstrumentation());
  }

  @Override
  protected List<String> frameworkHelperClassNames() {
    return Arrays.asList(
        "dev.jobtrace.job.springbatch.v5_0.Reflect",
        "dev.jobtrace.job.springbatch.v5_0.SpringBatchSpans",
        "dev.jobtrace.job.springbatch.v5_0.SpringBatchSpans$JobRun",
        "dev.jobtrace.job.springbatch.v5_0.SpringBatchSpans$StepRun",
        "dev.jobtrace.job.springbatch.v5_0.SpringBatchSpans$ChunkClock");
  }
}
