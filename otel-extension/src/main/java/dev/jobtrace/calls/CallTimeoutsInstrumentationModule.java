package dev.jobtrace.calls;

import dev.jobtrace.BootstrapBridge;
import dev.jobtrace.JavaVersion;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the timeouts JDBC statements and the JDK's HTTP clients ({@code HttpClient}, {@code
 * HttpURLConnection}) are called with, for the {@code no_timeout} finding. Applied after the
 * upstream JDBC and HTTP client instrumentation, so its advice runs inside their client spans. On
 * only when the bootstrap hook it reports to is there.
 */
public final class CallTimeoutsInstrumentationModule extends InstrumentationModule {

  public CallTimeoutsInstrumentationModule() {
    super("jobtrace-call-timeouts");
  }

  @Override
  public boolean defaultEnabled(ConfigProperties config) {
    return JavaVersion.supported() && BootstrapBridge.installed();
  }

  /** After the upstream modules (order 0): this advice wraps inside theirs. */
  @Override
  public int order() {
    return 1;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return Arrays.asList(
        new JdbcStatementTimeouts(), new JavaHttpClientTimeouts(), new UrlConnectionTimeouts());
  }
}
