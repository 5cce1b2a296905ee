package dev.jobtrace.job.quartz.v2_5;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.implementsInterface;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.quartz.JobExecutionContext;

/**
 * Inside {@code Job.execute} the upstream Quartz span is current: describe the run on it. Every
 * class in a job's hierarchy that implements {@code execute} is matched, abstract ones included:
 * Spring's {@code QuartzJobBean} declares a final {@code execute}, and its subclasses only {@code
 * executeInternal}.
 */
public final class QuartzJobInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<ClassLoader> classLoaderOptimization() {
    return io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed(
        "org.quartz.Job");
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return implementsInterface(named("org.quartz.Job")).and(not(isInterface()));
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("execute")
            .and(not(isAbstract()))
            .and(takesArguments(1))
            .and(takesArgument(0, named("org.quartz.JobExecutionContext"))),
        QuartzJobInstrumentation.class.getName() + "$ExecuteAdvice");
  }

  @SuppressWarnings("unused")
  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) JobExecutionContext context) {
      QuartzRunAttributes.describeCurrentSpan(context);
    }
  }
}
