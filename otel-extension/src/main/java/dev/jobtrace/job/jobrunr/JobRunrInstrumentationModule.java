package dev.jobtrace.job.jobrunr;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/** Job spans for the open-source JobRunr, which the upstream agent does not instrument. */
public final class JobRunrInstrumentationModule extends InstrumentationModule {

  public JobRunrInstrumentationModule() {
    super("jobtrace-jobrunr", "jobrunr");
  }

  /** Off on JVMs older than 17, which cannot load the instrumentation's Java 17 classes. */
  @Override
  public boolean defaultEnabled(ConfigProperties config) {
    return JavaVersion.supported() && super.defaultEnabled(config);
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
        new JobRunrBookkeepingInstrumentation());
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith("dev.jobtrace.");
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Arrays.asList(
        "dev.jobtrace.FaultInjection",
        "dev.jobtrace.job.JobAttributes",
        "dev.jobtrace.job.jobrunr.JobRunrSettings",
        "dev.jobtrace.job.Bookkeeping",
        "dev.jobtrace.job.JobOutcome",
        "dev.jobtrace.job.jobrunr.JobRunrJobSpans",
        "dev.jobtrace.job.jobrunr.JobRunrJobSpans$1",
        "dev.jobtrace.job.jobrunr.JobRunrJobSpans$JobRun");
  }
}
