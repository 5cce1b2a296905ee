package dev.jobtrace.job.jobrunr.v8_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.jobrunr.jobs.Job;

/**
 * One span per job execution, around the call into the job itself: JobRunr's own state saves before
 * and after stay outside the job's trace.
 */
public final class JobExecutionInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("org.jobrunr.server.BackgroundJobPerformer");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("runActualJob").and(takesArguments(0)),
        JobExecutionInstrumentation.class.getName() + "$RunAdvice");
  }

  @SuppressWarnings("unused")
  public static class RunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static JobRunrJobSpans.JobRun onEnter(@Advice.FieldValue("job") Job job) {
      return JobRunrJobSpans.start(job);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter JobRunrJobSpans.JobRun run, @Advice.Thrown Throwable thrown) {
      JobRunrJobSpans.end(run, thrown);
    }
  }
}
