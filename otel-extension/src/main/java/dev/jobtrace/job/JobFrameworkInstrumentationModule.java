package dev.jobtrace.job;

import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

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
}
