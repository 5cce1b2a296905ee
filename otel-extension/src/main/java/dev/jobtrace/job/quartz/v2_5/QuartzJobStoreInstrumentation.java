package dev.jobtrace.job.quartz.v2_5;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import dev.jobtrace.job.BookkeepingAdvice;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Quartz's JDBC job store acquires, fires and releases triggers from the scheduler thread, records
 * each completed job from the worker thread after the job's span has ended, checks in with the
 * cluster and recovers misfires: every few seconds, all day, each a trace of its own unless left
 * out. Storing a job or trigger from a traced request stays in the request's trace.
 */
public final class QuartzJobStoreInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("org.quartz.impl.jdbcjobstore.JobStoreSupport");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        isDeclaredBy(named("org.quartz.impl.jdbcjobstore.JobStoreSupport"))
            .and(
                namedOneOf(
                    "acquireNextTriggers",
                    "triggersFired",
                    "triggeredJobComplete",
                    "releaseAcquiredTrigger",
                    "doCheckin",
                    "doRecoverMisfires",
                    "schedulerStarted",
                    "schedulerPaused",
                    "schedulerResumed",
                    "shutdown")),
        BookkeepingAdvice.class.getName());
  }
}
