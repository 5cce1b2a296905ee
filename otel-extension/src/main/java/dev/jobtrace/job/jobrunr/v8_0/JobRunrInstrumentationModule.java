package dev.jobtrace.job.jobrunr.v8_0;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.job.JobFrameworkInstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/** Job spans for the open-source JobRunr, which the upstream agent does not instrument. */
public final class JobRunrInstrumentationModule extends JobFrameworkInstrumentationModule {

  public JobRunrInstrumentationModule() {
    super("jobtrace-jobrunr", "jobrunr");
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    return hasClassesNamed("org.jobrunr.server.BackgroundJobPerformer");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new JobCreationInstrumentation(),
        new JobExecutionInstrumentation(),
        new JobPayloadInstrumentation(),
        new JobRunrBookkeepingInstrumentation());
  }

  @Override
  protected List<String> frameworkHelperClassNames() {
    return Arrays.asList(
        "dev.jobtrace.config.Propagation",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrSettings",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrJobSpans",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrPayloads",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrPayloads$Payload",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrJobSpans$1",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrJobSpans$JobAttributes",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrJobSpans$Singletons",
        "dev.jobtrace.job.jobrunr.v8_0.JobRunrJobSpans$JobRun");
  }
}
