package dev.jobtrace.vthreads;

import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.Collections;
import java.util.List;

/**
 * Follows virtual threads onto their carriers (JDK 21+): the profiler samples OS threads, so a
 * sample on a carrier belongs to the virtual thread mounted there at that moment. On only when the
 * bridge class could be put on the bootstrap class path; otherwise the advice could not run.
 */
public final class VirtualThreadInstrumentationModule extends InstrumentationModule {

  public VirtualThreadInstrumentationModule() {
    super("jobtrace-virtual-threads");
  }

  @Override
  public boolean defaultEnabled(ConfigProperties config) {
    return JavaVersion.supported() && MountBridge.installed();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Collections.singletonList(new VirtualThreadInstrumentation());
  }
}
