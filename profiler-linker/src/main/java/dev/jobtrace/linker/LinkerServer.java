package dev.jobtrace.linker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.SpanContract;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The linker's pages: the jobs page (its start page), and one page per span profile. */
public final class LinkerServer implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(LinkerServer.class.getName());

  private final HttpServer server;
  private final JaegerClient jaeger;
  private final String jaegerUi;
  private final Duration lookback;
  private final Duration slowJob;
  private final PrometheusClient prometheus;

  public LinkerServer(LinkerOptions options) throws IOException {
    this.jaeger = new JaegerClient(options.jaegerUrl, options.jaegerTimeout);
    this.prometheus =
        options.prometheusUrl == null
            ? null
            : new PrometheusClient(options.prometheusUrl, options.jaegerTimeout);
    this.jaegerUi = options.jaegerUiUrl.toString().replaceAll("/+$", "");
    this.lookback = options.lookback;
    this.slowJob = options.slowJob;
    server = HttpServer.create(new InetSocketAddress(options.host, options.port), 64);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try {
      if (!exchange.getRequestMethod().equals("GET")) {
        send(exchange, 405, "text/plain", "only GET");
      } else if (path.equals("/")) {
        send(exchange, 200, "text/html", startPage(query(exchange)));
      } else if (path.equals("/healthz")) {
        send(exchange, 200, "text/plain", "ok");
      } else if (path.startsWith("/profiles/")) {
        profile(exchange, path.substring("/profiles/".length()));
      } else {
        send(exchange, 404, "text/plain", "not found");
      }
    } catch (ProfileId.BadRequest e) {
      send(
          exchange,
          400,
          "text/html",
          Html.page("Bad request", "<p class='error'>" + Html.text(e.getMessage()) + "</p>"));
    } catch (JaegerClient.Unavailable e) {
      send(
          exchange,
          e.timedOut ? 504 : 502,
          "text/html",
          Html.page(
              "Jaeger unavailable", "<p class='error'>" + Html.text(e.getMessage()) + "</p>"));
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "profiler-linker: " + path + " failed", e);
      send(exchange, 500, "text/plain", "internal error");
    }
  }

  private void profile(HttpExchange exchange, String rest) throws IOException {
    int slash = rest.indexOf('/');
    ProfileId id = ProfileId.parse(slash < 0 ? rest : rest.substring(0, slash));
    String what = slash < 0 ? "" : rest.substring(slash + 1);
    if (!what.isEmpty()
        && !what.equals("flamegraph")
        && !what.equals("folded")
        && !what.equals("speedscope.json")
        && !what.equals("firefox.json")) {
      send(exchange, 404, "text/plain", "not found");
      return;
    }
    List<TraceSpan> trace = jaeger.trace(id.traceId);
    if (trace == null || trace.isEmpty()) {
      send(
          exchange,
          404,
          "text/html",
          Html.page(
              "Unknown trace", "<p class='error'>Jaeger has no trace " + id.traceId + "</p>"));
      return;
    }
    TraceSpan span =
        trace.stream().filter(s -> s.spanId.equals(id.spanId)).findFirst().orElse(null);
    if (span == null) {
      send(
          exchange,
          404,
          "text/html",
          Html.page(
              "Unknown span",
              "<p class='error'>trace " + id.traceId + " has no span " + id.spanId + "</p>"));
      return;
    }
    Snippet snippet = null;
    String problem = null;
    int status = 200;
    TraceSpan.Event event = span.event(SpanContract.PROFILE_EVENT);
    String encoded =
        event == null ? null : event.attributes().get(SpanContract.PROFILE_FOLDED.getKey());
    if (encoded == null) {
      String error = span.attr(SpanContract.PROFILE_ERROR.getKey());
      problem =
          error != null
              ? "No profile for this span: " + error
              : "This span carries no profile snippet.";
    } else {
      try {
        snippet =
            Snippet.decode(encoded, event.attributes().get(SpanContract.PROFILE_TIMELINE.getKey()));
      } catch (ProfileSnippetFormat.Invalid e) {
        problem = "The span's profile snippet cannot be shown: " + e.getMessage();
        status = 422;
      }
    }
    if (what.isEmpty()) {
      send(
          exchange,
          status,
          "text/html",
          ProfilePage.render(id, span, trace, snippet, problem, jaegerUi));
    } else if (snippet == null) {
      send(exchange, status == 200 ? 404 : status, "text/plain", problem);
    } else if (what.equals("flamegraph")) {
      send(exchange, 200, "text/html", FlameGraphs.html(snippet, span.service + ": " + span.name));
    } else if (what.equals("folded")) {
      download(
          exchange,
          id + ".folded.txt",
          "text/plain",
          snippet.folded().getBytes(StandardCharsets.UTF_8));
    } else if (what.equals("speedscope.json")) {
      download(
          exchange,
          id + ".speedscope.json",
          "application/json",
          FlameGraphs.speedscope(snippet, span.service + ": " + span.name));
    } else if (snippet.timeline() == null) {
      send(
          exchange,
          404,
          "text/plain",
          snippet.timelineProblem() != null
              ? "The span's profile timeline cannot be read: " + snippet.timelineProblem()
              : "This span's profile keeps no time order (an agent before timelines, or"
                  + " otel.jobtrace.profile.timeline.max-runs=0), so there is no Firefox Profiler"
                  + " file; the flame graph and speedscope JSON still show it.");
    } else {
      download(
          exchange,
          id + ".firefox.json",
          "application/json",
          FirefoxProfiles.gecko(
              snippet.lines(),
              snippet.timeline(),
              span.service + ": " + span.name,
              span.startNanos / 1_000_000));
    }
  }

  /**
   * A file of the profile, to save or to open in another viewer. speedscope and the Firefox
   * Profiler fetch what they open from the browser, so the files may be read from any origin, as
   * the pages that link them are.
   */
  private static void download(HttpExchange exchange, String file, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
    exchange
        .getResponseHeaders()
        .set("Content-Disposition", "attachment; filename=\"" + file + "\"");
    send(exchange, 200, type, body);
  }

  /**
   * The jobs page: every job ranked by p95 duration over the chosen window from Prometheus, then
   * the slow runs of the last hour from Jaeger. Either part says in one line why it is missing when
   * its backend is not configured or cannot be reached; the other still shows.
   */
  private String startPage(Map<String, String> query) {
    JobRanking.Window window = JobRanking.Window.parse(query.get("window"));
    String service = query.get("service");
    if (service != null && service.isBlank()) {
      service = null;
    }
    Instant now = Instant.now();
    StringBuilder b = new StringBuilder("<h1>Jobs</h1>");
    b.append(JobsPage.windows(window, service));
    if (prometheus == null) {
      b.append(
          "<p class='error' id='prometheus'>Prometheus is not configured (--prometheus-url or"
              + " JOBTRACE_LINKER_PROMETHEUS_URL), so jobs cannot be ranked by duration; the slow"
              + " runs below come from Jaeger.</p>");
    } else {
      try {
        List<JobRanking.Job> jobs = new JobRanking(prometheus).rank(window, service, now);
        if (jobs.isEmpty()) {
          b.append("<p id='prometheus'>Prometheus at ")
              .append(Html.text(prometheus.base().toString()))
              .append(" has no runs of jobtrace's job metrics (")
              .append(SpanContract.PROM_JOB_DURATION)
              .append(") in the last ")
              .append(window.label)
              .append(
                  ": do the workers export metrics (OTEL_METRICS_EXPORTER=otlp) to a collector"
                      + " that Prometheus scrapes?</p>");
        } else {
          b.append("<p>Every job")
              .append(service == null ? "" : " of " + Html.text(service))
              .append(" ranked by its p95 duration over the last ")
              .append(window.label)
              .append(", from Prometheus; the trend compares it with the ")
              .append(window.label)
              .append(" before.</p>")
              .append(JobsPage.ranking(jobs, window, jaegerUi));
        }
      } catch (PrometheusClient.Unavailable e) {
        b.append("<p class='error' id='prometheus'>")
            .append(Html.text(e.getMessage()))
            .append(
                ": jobs cannot be ranked by duration; the slow runs below come from Jaeger.</p>");
      }
    }
    b.append(slowRuns(now));
    return Html.page("jobtrace: jobs", b.toString());
  }

  private String slowRuns(Instant now) {
    StringBuilder b =
        new StringBuilder(
            "<h2>Slow runs</h2><p>Job runs of the last "
                + lookback.toMinutes()
                + " minutes that took at least "
                + slowJob.toMillis()
                + " ms, newest first, from Jaeger.</p>");
    List<TraceSpan> jobs = new ArrayList<>();
    try {
      for (String service : jaeger.services()) {
        for (TraceSpan s : jaeger.search(service, now.minus(lookback), now, slowJob, 50)) {
          if (s.service.equals(service)
              && s.attr(SpanContract.JOB_NAME.getKey()) != null
              && s.durationMillis() >= slowJob.toMillis()) {
            jobs.add(s);
          }
        }
      }
    } catch (JaegerClient.Unavailable e) {
      return b.append("<p class='error' id='jaeger'>")
          .append(Html.text(e.getMessage()))
          .append("</p>")
          .toString();
    }
    jobs.sort(Comparator.comparingLong((TraceSpan s) -> s.startNanos).reversed());
    b.append(
        "<table id='jobs'><tr><th>service</th><th>job</th><th>started</th><th>duration</th><th>findings</th><th></th></tr>");
    for (TraceSpan job : jobs) {
      String profileId = job.attr(SpanContract.PROFILE_ID.getKey());
      TraceSpan.Event top = job.event(SpanContract.FINDING_EVENT);
      b.append("<tr><td>")
          .append(Html.text(job.service))
          .append("</td><td>")
          .append(Html.text(job.attr(SpanContract.JOB_NAME.getKey())))
          .append("</td><td>")
          .append(Instant.ofEpochSecond(0, job.startNanos))
          .append("</td><td>")
          .append(job.durationMillis())
          .append(" ms</td><td>")
          .append(
              top == null
                  ? ""
                  : Html.text(top.attributes().get(SpanContract.FINDING_SUMMARY.getKey())))
          .append("</td><td>");
      if (profileId != null) {
        b.append("<a href='/profiles/").append(Html.text(profileId)).append("'>profile</a>");
      }
      b.append(" <a href='")
          .append(Html.text(ProfilePage.spanInJaeger(jaegerUi, job.traceId, job.spanId)))
          .append("'>trace</a></td></tr>");
    }
    b.append("</table>");
    return b.toString();
  }

  /** The request's query parameters (the last value of each). */
  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> out = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ProfileId.BadRequest("malformed query parameter \"" + pair + "\"");
      }
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
