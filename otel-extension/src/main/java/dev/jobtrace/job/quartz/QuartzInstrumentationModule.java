package dev.jobtrace.job.quartz;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The upstream agent makes a span per Quartz job execution; this adds what Quartz knows of the
 * run that the span does not carry: fire id, attempt and how late the trigger fired.
 */
public final class QuartzInstrumentationModule extends InstrumentationModule {

  public QuartzInstrumentationModule() {
    super("jobtrace-quartz", "quartz");
  }

  /** Off on JVMs older than 17, which cannot load the instrumentation's Java 17 classes. */
  @Override
  public boolean defaultEnabled(ConfigProperties config) {
    return JavaVersion.supported() && super.defaultEnabled(config);
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    return hasClassesNamed("org.quartz.Job", "org.quartz.JobExecutionContext");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new QuartzJobInstrumentation());
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith("dev.jobtrace.");
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Arrays.asList(
        "dev.jobtrace.job.JobAttributes", "dev.jobtrace.job.quartz.QuartzRunAttributes");
  }
}
