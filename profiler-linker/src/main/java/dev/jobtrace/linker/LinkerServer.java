package dev.jobtrace.linker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.SpanContract;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The linker's pages: the start page of slow jobs, and one page per span profile. */
public final class LinkerServer implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(LinkerServer.class.getName());

  private final HttpServer server;
  private final JaegerClient jaeger;
  private final String jaegerUi;
  private final Duration lookback;
  private final Duration slowJob;

  public LinkerServer(LinkerOptions options) throws IOException {
    this.jaeger = new JaegerClient(options.jaegerUrl, options.jaegerTimeout);
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
        send(exchange, 200, "text/html", startPage());
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
        && !what.equals("speedscope.json")) {
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
        snippet = Snippet.decode(encoded);
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
      exchange
          .getResponseHeaders()
          .set("Content-Disposition", "attachment; filename=\"" + id + ".folded.txt\"");
      send(exchange, 200, "text/plain", snippet.folded());
    } else {
      exchange
          .getResponseHeaders()
          .set("Content-Disposition", "attachment; filename=\"" + id + ".speedscope.json\"");
      send(
          exchange,
          200,
          "application/json",
          FlameGraphs.speedscope(snippet, span.service + ": " + span.name));
    }
  }

  private String startPage() {
    Instant now = Instant.now();
    List<TraceSpan> jobs = new ArrayList<>();
    for (String service : jaeger.services()) {
      for (TraceSpan s : jaeger.search(service, now.minus(lookback), now, slowJob, 50)) {
        if (s.service.equals(service)
            && s.attr(SpanContract.JOB_NAME.getKey()) != null
            && s.durationMillis() >= slowJob.toMillis()) {
          jobs.add(s);
        }
      }
    }
    jobs.sort(Comparator.comparingLong((TraceSpan s) -> s.startNanos).reversed());
    StringBuilder b =
        new StringBuilder(
            "<h1>Slow jobs</h1><p>Job runs of the last "
                + lookback.toMinutes()
                + " minutes that took at least "
                + slowJob.toMillis()
                + " ms, newest first.</p>");
    String service = null;
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
    return Html.page("jobtrace: slow jobs", b.toString());
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
