package dev.jobtrace.job.jobrunr.v8_0;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.implementsInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jobtrace.job.BookkeepingAdvice;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** JobRunr's own threads: server polling, state saves around jobs, start-up tasks, dashboard. */
public final class JobRunrBookkeepingInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(
            "org.jobrunr.server.JobHandler",
            "org.jobrunr.server.ServerZooKeeper",
            "org.jobrunr.server.BackgroundJobPerformer",
            "org.jobrunr.storage.AbstractStorageProvider$NotifyOnChangeListeners")
        .or(nameStartsWith("org.jobrunr.server.tasks.startup."))
        .or(
            nameStartsWith("org.jobrunr.dashboard.")
                .and(implementsInterface(named("com.sun.net.httpserver.HttpHandler"))));
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("run").and(takesArguments(0)).or(named("handle").and(takesArguments(1))),
        BookkeepingAdvice.class.getName());
  }
}
