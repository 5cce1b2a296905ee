package dev.jobtrace.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.examples.export.InvoiceExportJob;
import dev.jobtrace.examples.lookup.CustomerLookupJob;
import dev.jobtrace.examples.prices.PriceImportJob;
import dev.jobtrace.examples.reference.ReferenceData;
import dev.jobtrace.examples.report.ClientReportJob;
import dev.jobtrace.examples.settlement.WalletSettlementJob;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.SucceededState;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.JobStats;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The example worker: JobRunr with PostgreSQL storage and its dashboard, the example jobs, and an
 * HTTP endpoint that enqueues them ({@code POST /jobs/{job}/{slow|fixed}}) and tells how a run went
 * ({@code GET /jobs/runs/{id}}: its state, and for a finished run its duration and end).
 *
 * <p>Settings (environment): EXAMPLES_DB_URL, EXAMPLES_REDIS_URL, EXAMPLES_HTTP_PORT (8081),
 * EXAMPLES_DASHBOARD_PORT (8000; 0 turns it off), EXAMPLES_SCALE (1.0), EXAMPLES_WORKERS (4),
 * EXAMPLES_PARTNER_URL (http://127.0.0.1:8082). {@code --run job/variant[,job/variant...][;...]}
 * enqueues each {@code ;}-separated group of runs through the endpoint, the runs of a group
 * scheduled for one instant ({@code POST /jobs/{job}/{variant}?at=epochMillis}) so that they start
 * together, waits for the group before the next, and exits once all have ended.
 */
public final class WorkerApp {

  private static volatile StorageProvider storage;

  public static void main(String[] args) {
    try {
      start(args);
    } catch (Exception | Error e) {
      // JobRunr's threads would keep a half-started worker alive: stop instead.
      System.err.println("example-jobs: start-up failed");
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void start(String[] args) throws Exception {
    String dbUrl =
        env("EXAMPLES_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(dbUrl);
    Backends.init(
        db,
        env("EXAMPLES_REDIS_URL", "redis://127.0.0.1:6379"),
        Double.parseDouble(env("EXAMPLES_SCALE", "1.0")),
        env("EXAMPLES_PARTNER_URL", "http://127.0.0.1:8082"));
    ReferenceData.seed();
    CustomerLookupJob.seed();
    ClientReportJob.seed();
    InvoiceExportJob.seed();
    WalletSettlementJob.seed();
    PriceImportJob.seed();

    storage = new PostgresStorageProvider(db);
    int dashboard = Integer.parseInt(env("EXAMPLES_DASHBOARD_PORT", "8000"));
    JobRunr.configure()
        .useStorageProvider(storage)
        .useBackgroundJobServer(
            BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                .andPollIntervalInSeconds(5)
                .andWorkerCount(Integer.parseInt(env("EXAMPLES_WORKERS", "4"))))
        .useDashboardIf(dashboard > 0, dashboard)
        .initialize();

    HttpServer http =
        HttpServer.create(
            new InetSocketAddress(Integer.parseInt(env("EXAMPLES_HTTP_PORT", "8081"))), 50);
    http.createContext("/jobs", WorkerApp::handle);
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.start();
    System.out.println(
        "example-jobs: enqueue with POST http://localhost:"
            + http.getAddress().getPort()
            + "/jobs/{"
            + String.join("|", JobCatalog.names())
            + "}/{slow|fixed}");

    if (args.length == 2 && args[0].equals("--run")) {
      runAndExit(storage, http.getAddress().getPort(), args[1].split(";"));
    }
  }

  static void handle(HttpExchange exchange) throws IOException {
    String[] parts = exchange.getRequestURI().getPath().split("/");
    if (exchange.getRequestMethod().equals("GET") && parts.length == 2) {
      reply(exchange, 200, String.join("\n", JobCatalog.names()) + "\n");
      return;
    }
    if (exchange.getRequestMethod().equals("GET") && parts.length == 4 && parts[2].equals("runs")) {
      run(exchange, parts[3]);
      return;
    }
    if (!exchange.getRequestMethod().equals("POST") || parts.length != 4) {
      reply(
          exchange,
          404,
          "use POST /jobs/{job}/{slow|fixed}; jobs: "
              + String.join(", ", JobCatalog.names())
              + "\n");
      return;
    }
    try {
      UUID id = JobCatalog.enqueue(parts[2], parts[3], at(exchange.getRequestURI().getQuery()));
      reply(exchange, 202, id + "\n");
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, e.getMessage() + "\n");
    }
  }

  /** The instant of an {@code at=epochMillis} query, or null for now. */
  static Instant at(String query) {
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (pair.startsWith("at=")) {
        try {
          return Instant.ofEpochMilli(Long.parseLong(pair.substring(3)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "at must be epoch milliseconds, not " + pair.substring(3));
        }
      }
    }
    return null;
  }

  /** {@code STATE} or, once finished, {@code STATE processMillis endEpochMillis}. */
  static void run(HttpExchange exchange, String id) throws IOException {
    Job job;
    try {
      job = storage.getJobById(UUID.fromString(id));
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, "not a job id: " + id + "\n");
      return;
    } catch (JobNotFoundException e) {
      reply(exchange, 404, "no job " + id + "\n");
      return;
    }
    JobState state = job.getJobState();
    if (state instanceof SucceededState) {
      reply(
          exchange,
          200,
          state.getName()
              + " "
              + ((SucceededState) state).getProcessDuration().toMillis()
              + " "
              + state.getCreatedAt().toEpochMilli()
              + "\n");
    } else {
      reply(exchange, 200, state.getName() + "\n");
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Enqueues each group of runs ({@code job/variant,job/variant}) at once, waits for it to finish
   * before the next, and exits once all have.
   */
  private static void runAndExit(StorageProvider storage, int port, String[] groups)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
    for (String group : groups) {
      String[] runs = group.split(",");
      long before = storage.getJobStats().getSucceeded() + storage.getJobStats().getFailed();
      // Runs of a group are scheduled for one instant, so that they start together.
      String at = runs.length > 1 ? "?at=" + (System.currentTimeMillis() + 2_000) : "";
      for (String run : runs) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/" + run + at))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
          System.out.println("enqueue " + run + " failed: " + r.statusCode() + " " + r.body());
          System.exit(2);
        }
      }
      if (!finished(storage, before + runs.length, deadline)) {
        System.out.println("jobs did not finish in time");
        System.exit(3);
      }
    }
    JobStats stats = storage.getJobStats();
    System.out.println(
        "jobs finished: succeeded=" + stats.getSucceeded() + " failed=" + stats.getFailed());
    JobRunr.destroy();
    System.exit(0);
  }

  /** Waits until nothing is queued or running and {@code done} runs have ended. */
  private static boolean finished(StorageProvider storage, long done, Instant deadline)
      throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      JobStats stats = storage.getJobStats();
      if (stats.getEnqueued() == 0
          && stats.getProcessing() == 0
          && stats.getScheduled() == 0
          && stats.getSucceeded() + stats.getFailed() >= done) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
