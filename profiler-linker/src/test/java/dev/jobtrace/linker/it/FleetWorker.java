package dev.jobtrace.linker.it;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A worker of the fleet: its import job asks a price service and a stock service over HTTP (a
 * server in the same JVM, so each run's trace has a client and a server span of each call under the
 * job span); every tenth run is a slow one (600 ms of work, job method {@code slow}), and one last
 * slow run ({@code last}) marks the end. Arguments: the number of runs (100 when none).
 */
public final class FleetWorker {

  public static final int SLOW_EVERY = 10;

  /** Spans in each run's trace: the job, and a client and a server span of each of two calls. */
  public static final int SPANS_PER_TRACE = 5;

  static HttpClient http = HttpClient.newHttpClient();
  static String base;

  public static final class ImportJob {
    public void run(int n) throws Exception {
      importRecords(n, 5);
    }

    /** A run with a large import: the one of every ten that is slow. */
    public void slow(int n) throws Exception {
      importRecords(n, 600);
    }

    public void last() throws Exception {
      importRecords(0, 600);
    }

    static void importRecords(int n, long millis) throws Exception {
      call("/prices/" + n);
      call("/stock/" + n);
      SampledWorker.ImportJob.work(millis);
    }

    static void call(String path) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + ": " + r.statusCode());
      }
    }
  }

  /**
   * Starts the service the jobs call (it answers every path with 200) and makes one call outside
   * any job: the HTTP client's first call loads and links its classes.
   */
  static HttpServer serve() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "42".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    ImportJob.call("/warm-up");
    return server;
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    HttpServer server = serve();
    ImportJob job = new ImportJob();
    for (int n = 1; n <= runs; n++) {
      if (n % SLOW_EVERY == 0) {
        job.slow(n);
      } else {
        job.run(n);
      }
    }
    job.last();
    server.stop(0);
    System.out.println("done");
  }
}
