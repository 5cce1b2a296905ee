package dev.jobtrace.job.jobrunr.v8_0;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.jobrunr.jobs.Job;

/**
 * Every new JobRunr job passes through the constructor that takes all of a job's parts (id,
 * version, details, states, metadata): there it records who enqueued it. JobRunr 8.0 to 8.6 make it
 * public with a {@code List} of states; 8.7 adds a protected one with a {@code
 * CopyOnWriteArrayList}, which the public one calls (recording twice is harmless).
 */
public final class JobCreationInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("org.jobrunr.jobs.Job");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        isConstructor()
            .and(takesArguments(5))
            .and(takesArgument(0, named("java.util.UUID")))
            .and(takesArgument(4, named("java.util.concurrent.ConcurrentMap"))),
        JobCreationInstrumentation.class.getName() + "$CreateAdvice");
  }

  @SuppressWarnings("unused")
  public static class CreateAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Job job) {
      JobRunrJobSpans.recordEnqueuer(job);
    }
  }
}
