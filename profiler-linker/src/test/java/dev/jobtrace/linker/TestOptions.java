package dev.jobtrace.linker;

import java.net.URI;
import java.time.Duration;

/** Options for a linker on a free loopback port. */
public final class TestOptions {
  private TestOptions() {}

  public static LinkerOptions of(String jaegerUrl, Duration timeout) {
    LinkerOptions o = new LinkerOptions();
    o.jaegerUrl = URI.create(jaegerUrl);
    o.jaegerUiUrl = o.jaegerUrl;
    o.port = 0;
    o.jaegerTimeout = timeout;
    return o;
  }

  /** {@code options} reading job metrics from the Prometheus at {@code url}. */
  public static LinkerOptions prometheus(LinkerOptions options, String url) {
    options.prometheusUrl = URI.create(url);
    return options;
  }
}
