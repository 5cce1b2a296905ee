package dev.jobtrace.linker;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Command-line options, each also settable by an environment variable. */
public final class LinkerOptions {

  static final String HELP =
      "Usage: java -jar profiler-linker.jar [options]\n"
          + "  --jaeger-url URL       Jaeger query API base (env JOBTRACE_LINKER_JAEGER_URL; default http://127.0.0.1:16686)\n"
          + "  --jaeger-ui-url URL    Jaeger UI for links back to traces (env JOBTRACE_LINKER_JAEGER_UI_URL; default: the Jaeger URL)\n"
          + "  --prometheus-url URL   Prometheus with the agents' job metrics, for the jobs page (env JOBTRACE_LINKER_PROMETHEUS_URL; default: none, the page says so)\n"
          + "  --host HOST            address to bind (env JOBTRACE_LINKER_HOST; default 127.0.0.1)\n"
          + "  --port PORT            port (env JOBTRACE_LINKER_PORT; default 8090)\n"
          + "  --jaeger-timeout MS    longest wait for Jaeger, in ms (env JOBTRACE_LINKER_JAEGER_TIMEOUT_MS; default 5000)\n"
          + "  --help                 this text\n";

  URI jaegerUrl = URI.create("http://127.0.0.1:16686");
  URI jaegerUiUrl;
  URI prometheusUrl;
  String host = "127.0.0.1";
  int port = 8090;
  Duration jaegerTimeout = Duration.ofSeconds(5);
  Duration lookback = Duration.ofHours(1);
  Duration slowJob = Duration.ofMillis(500);
  boolean help;

  static LinkerOptions parse(String[] args, Map<String, String> env) {
    LinkerOptions o = new LinkerOptions();
    o.apply("--jaeger-url", env.get("JOBTRACE_LINKER_JAEGER_URL"));
    o.apply("--jaeger-ui-url", env.get("JOBTRACE_LINKER_JAEGER_UI_URL"));
    o.apply("--prometheus-url", env.get("JOBTRACE_LINKER_PROMETHEUS_URL"));
    o.apply("--host", env.get("JOBTRACE_LINKER_HOST"));
    o.apply("--port", env.get("JOBTRACE_LINKER_PORT"));
    o.apply("--jaeger-timeout", env.get("JOBTRACE_LINKER_JAEGER_TIMEOUT_MS"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        o.help = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value\n" + HELP);
      }
      o.apply(args[i], args[++i]);
    }
    if (o.jaegerUiUrl == null) {
      o.jaegerUiUrl = o.jaegerUrl;
    }
    return o;
  }

  private void apply(String option, String value) {
    if (value == null) {
      return;
    }
    try {
      switch (option) {
        case "--jaeger-url":
          jaegerUrl = url(value);
          break;
        case "--jaeger-ui-url":
          jaegerUiUrl = url(value);
          break;
        case "--prometheus-url":
          prometheusUrl = value.isBlank() ? null : url(value);
          break;
        case "--host":
          host = value;
          break;
        case "--port":
          port = Integer.parseInt(value);
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException();
          }
          break;
        case "--jaeger-timeout":
          jaegerTimeout = Duration.ofMillis(Long.parseLong(value));
          break;
        default:
          throw new IllegalArgumentException("unknown option " + option + "\n" + HELP);
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("unknown option")) {
        throw e;
      }
      throw new IllegalArgumentException("bad value \"" + value + "\" for " + option + "\n" + HELP);
    }
  }

  private static URI url(String value) {
    URI uri = URI.create(value);
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException();
    }
    return uri;
  }
}
