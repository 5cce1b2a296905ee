package dev.jobtrace.job.quartz.v2_5;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.job.JobFrameworkInstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The upstream agent makes a span per Quartz job execution; this adds what Quartz knows of the run
 * that the span does not carry: fire id, attempt and how late the trigger fired; and keeps the JDBC
 * job store's own polling out of the traces.
 */
public final class QuartzInstrumentationModule extends JobFrameworkInstrumentationModule {

  public QuartzInstrumentationModule() {
    super("jobtrace-quartz", "quartz");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    return hasClassesNamed("org.quartz.Job", "org.quartz.JobExecutionContext");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(new QuartzJobInstrumentation(), new QuartzJobStoreInstrumentation());
  }

  @Override
  protected List<String> frameworkHelperClassNames() {
    return Arrays.asList("dev.jobtrace.job.quartz.v2_5.QuartzRunAttributes");
  }
}
