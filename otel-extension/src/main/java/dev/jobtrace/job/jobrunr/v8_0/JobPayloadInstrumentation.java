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
 * How large a job is as JobRunr stores it, and how long reading it back took: the worker reads
 * every job it runs from its stored JSON, so the run's span can say both.
 */
public final class JobPayloadInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("org.jobrunr.jobs.mappers.JobMapper");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("deserializeJob").and(takesArguments(1)),
        JobPayloadInstrumentation.class.getName() + "$DeserializeAdvice");
  }

  @SuppressWarnings("unused")
  public static class DeserializeAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long onEnter() {
      return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter long start, @Advice.Argument(0) String json, @Advice.Return Job job) {
      JobRunrPayloads.read(job, json, System.nanoTime() - start);
    }
  }
}
