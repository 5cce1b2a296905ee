package dev.jobtrace.job;

import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every job framework's instrumentation shares: it is off on JVMs older than 17, which cannot
 * load its Java 17 classes, and jobtrace's own classes it uses are injected as helpers. Built for
 * Java 8 like its subclasses, so that an old JVM can load it and turn it off.
 */
public abstract class JobFrameworkInstrumentationModule extends InstrumentationModule {

  protected JobFrameworkInstrumentationModule(String name, String alias) {
    super(name, alias);
  }

  @Override
  public boolean defaultEnabled(ConfigProperties config) {
    return JavaVersion.supported() && super.defaultEnabled(config);
  }

  @Override
  public boolean isHelperClass(String className) {
    return className.startsWith("dev.jobtrace.");
  }

  /** jobtrace's classes every job framework's spans use, and the framework's own. */
  @Override
  public final List<String> getAdditionalHelperClassNames() {
    List<String> helpers =
        new ArrayList<>(
            Arrays.asList(
                "dev.jobtrace.FaultInjection",
                "dev.jobtrace.Once",
                "dev.jobtrace.contract.SpanContract",
                "dev.jobtrace.job.JobFrameworkSettings",
                "dev.jobtrace.job.Bookkeeping"));
    helpers.addAll(frameworkHelperClassNames());
    return helpers;
  }

  /** The helper classes of this framework's spans, in the order they depend on each other. */
  protected abstract List<String> frameworkHelperClassNames();
}
