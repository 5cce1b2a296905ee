package dev.jobtrace.job.springbatch.v5_0;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every job and step Spring Batch runs goes through {@code AbstractJob.execute(JobExecution)} and
 * {@code AbstractStep.execute(StepExecution)} (final in 5.x and 6.x): the job span and the step
 * spans start and end there. Partitioned steps are steps too: each partition is a step span under
 * the manager step.
 */
public final class SpringBatchExecutionInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(
        "org.springframework.batch.core.job.AbstractJob",
        "org.springframework.batch.core.step.AbstractStep");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("execute")
            .and(takesArguments(1))
            .and(isPublic())
            .and(isDeclaredBy(named("org.springframework.batch.core.job.AbstractJob"))),
        SpringBatchExecutionInstrumentation.class.getName() + "$JobAdvice");
    transformer.applyAdviceToMethod(
        named("execute")
            .and(takesArguments(1))
            .and(isPublic())
            .and(isDeclaredBy(named("org.springframework.batch.core.step.AbstractStep"))),
        SpringBatchExecutionInstrumentation.class.getName() + "$StepAdvice");
  }

  @SuppressWarnings("unused")
  public static class JobAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.This Object job, @Advice.Argument(0) Object execution) {
      return SpringBatchSpans.jobStarted(job, execution);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object run,
        @Advice.Argument(0) Object execution,
        @Advice.Thrown Throwable thrown) {
      SpringBatchSpans.jobEnded(run, execution, thrown);
    }
  }

  @SuppressWarnings("unused")
  public static class StepAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter(@Advice.Argument(0) Object stepExecution) {
      return SpringBatchSpans.stepStarted(stepExecution);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object run,
        @Advice.Argument(0) Object stepExecution,
        @Advice.Thrown Throwable thrown) {
      SpringBatchSpans.stepEnded(run, stepExecution, thrown);
    }
  }
}
