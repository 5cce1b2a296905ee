package dev.jobtrace.e2e.bench;

import dev.jobtrace.e2e.JaegerQuery;
import dev.jobtrace.e2e.LocalTopology;
import dev.jobtrace.linker.TraceSpan;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The example jobs under no agent, the upstream agent alone and jobtrace, in one run on this
 * machine: wall time (JobRunr's own process duration, the same clock for all three), spans and
 * bytes exported per run, time from a slow run's end until its profile page answers, and JVM
 * start-up time added. Prints one table of medians. (Heap held by jobtrace during the 45,000-call
 * job is measured by bench/run.sh trace-size, on a job whose own live set is steady.)
 *
 * <p>Arguments: [timed runs per job and variant, default 3] [scale, default 1.0].
 */
public final class ExampleJobsBench {

  static final String[] JOBS = {
    "reference-data",
    "customer-lookup",
    "client-report",
    "partner-sync",
    "invoice-export",
    "wallet-settlement"
  };

  /**
   * "jobtrace-no-profiler" is jobtrace with its profiler switched off: what the rest of jobtrace
   * costs.
   */
  static final String[] ARMS = {"none", "upstream", "jobtrace", "jobtrace-no-profiler"};

  static final String SETTLEMENT = "wallet-settlement";
  static final long PARTNER_STALL_MS = 1000;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** arm → "job/variant" → measurements. */
  static final Map<String, Map<String, List<Long>>> WALL = new LinkedHashMap<>();

  static final Map<String, Map<String, List<Long>>> SPANS = new LinkedHashMap<>();
  static final Map<String, Map<String, List<Long>>> BYTES = new LinkedHashMap<>();
  static final Map<String, List<Long>> PROFILE_PAGE_MS = new LinkedHashMap<>();
  static final Map<String, List<Long>> STARTUP_MS = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
    Instant began = Instant.now();
    for (String arm : ARMS) {
      WALL.put(arm, new LinkedHashMap<>());
      SPANS.put(arm, new LinkedHashMap<>());
      BYTES.put(arm, new LinkedHashMap<>());
    }
    for (String arm : new String[] {"none", "upstream", "jobtrace"}) {
      STARTUP_MS.put(arm, startup(arm, 5));
    }
    for (String arm : ARMS) {
      System.err.println("bench: " + arm + " ...");
      runArm(arm, runs, scale);
    }
    print(runs, scale, Duration.between(began, Instant.now()));
  }

  static void runArm(String arm, int runs, double scale) throws Exception {
    try (OtlpTee tee = new OtlpTee()) {
      LocalTopology.Settings settings = new LocalTopology.Settings();
      settings.ports = LocalTopology.Ports.free();
      settings.scale = scale;
      settings.workers = 3;
      settings.partnerStallMillis = PARTNER_STALL_MS;
      settings.agent = arm.startsWith("jobtrace") ? "jobtrace" : arm;
      if (arm.equals("jobtrace-no-profiler")) {
        settings.workerOptions.add("-Dotel.jobtrace.profiler.enabled=false");
      }
      settings.otlpEndpoint = tee.endpoint();
      settings.logs = LocalTopology.REPO.resolve("e2e/target/bench-logs/" + arm);
      tee.forwardTo("http://127.0.0.1:" + settings.ports.jaegerOtlpHttp);
      try (LocalTopology topology = LocalTopology.start(settings)) {
        Thread stop = new Thread(topology::close);
        Runtime.getRuntime().addShutdownHook(stop);
        for (String job : JOBS) {
          for (String variant : new String[] {"slow", "fixed"}) {
            for (int i = 0; i <= runs; i++) {
              boolean timed = i > 0; // the first run of each warms up
              measure(topology, tee, arm, job, variant, timed);
            }
          }
        }
        Runtime.getRuntime().removeShutdownHook(stop);
      }
    }
  }

  static void measure(
      LocalTopology topology, OtlpTee tee, String arm, String job, String variant, boolean timed)
      throws Exception {
    int count = job.equals(SETTLEMENT) ? 3 : 1;
    awaitQuiet(tee);
    tee.reset();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(enqueue(topology, job, variant));
    }
    List<long[]> done = new ArrayList<>();
    for (String id : ids) {
      done.add(awaitFinished(topology, id));
    }
    Long pageMs = null;
    if (arm.equals("jobtrace") && variant.equals("slow") && timed) {
      pageMs = profilePageAfterEnd(topology, job, variant, ids.get(0), done.get(0)[1]);
    }
    awaitQuiet(tee);
    if (!timed) {
      return;
    }
    String key = job + "/" + variant;
    for (long[] d : done) {
      WALL.get(arm).computeIfAbsent(key, k -> new ArrayList<>()).add(d[0]);
    }
    long[] exported = tee.counted();
    SPANS.get(arm).computeIfAbsent(key, k -> new ArrayList<>()).add(exported[0] / count);
    BYTES.get(arm).computeIfAbsent(key, k -> new ArrayList<>()).add(exported[1] / count);
    if (pageMs != null) {
      PROFILE_PAGE_MS.computeIfAbsent(job, k -> new ArrayList<>()).add(pageMs);
    }
    System.err.printf(
        "bench: %-8s %-26s %6d ms  %7d spans  %9d bytes%s%n",
        arm,
        key,
        done.get(0)[0],
        exported[0] / count,
        exported[1] / count,
        pageMs == null ? "" : "  profile page after " + pageMs + " ms");
  }

  /** Until no export has arrived for 2.5 s (the agents export every second here). */
  static void awaitQuiet(OtlpTee tee) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() - tee.lastRequestNanos.get() < TimeUnit.MILLISECONDS.toNanos(2500)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  static String enqueue(LocalTopology topology, String job, String variant) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(topology.workerUrl() + "/jobs/" + job + "/" + variant))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException(
          "enqueue " + job + "/" + variant + ": " + r.statusCode() + " " + r.body());
    }
    return r.body().trim();
  }

  /** {process millis, end epoch millis} once JobRunr has the run as succeeded. */
  static long[] awaitFinished(LocalTopology topology, String id) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
    while (Instant.now().isBefore(deadline)) {
      topology.checkAlive();
      String[] state =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(topology.workerUrl() + "/jobs/runs/" + id))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body()
              .trim()
              .split(" ");
      if (state[0].equals("SUCCEEDED")) {
        return new long[] {Long.parseLong(state[1]), Long.parseLong(state[2])};
      }
      if (state[0].equals("FAILED") || state[0].equals("DELETED")) {
        throw new IllegalStateException(
            "job " + id + " " + state[0] + "; logs in " + topology.logs());
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("job " + id + " did not finish in 10 minutes");
  }

  /** Milliseconds from the run's end until the linker's page for its job span answers 200. */
  static long profilePageAfterEnd(
      LocalTopology topology, String job, String variant, String jobId, long endEpochMillis)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    String profileId = null;
    while (Instant.now().isBefore(deadline)) {
      if (profileId == null) {
        profileId = findProfileId(topology, JOB_SPAN.get(job) + "." + variant, jobId);
      }
      if (profileId != null) {
        HttpResponse<Void> page =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(topology.linkerUrl() + "/profiles/" + profileId))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (page.statusCode() == 200) {
          return System.currentTimeMillis() - endEpochMillis;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no profile page for job " + jobId + " within 120 s");
  }

  /** Job span names (class and method) by job. */
  static final Map<String, String> JOB_SPAN =
      Map.of(
          "reference-data",
          "ReferenceDataJob",
          "customer-lookup",
          "CustomerLookupJob",
          "client-report",
          "ClientReportJob",
          "partner-sync",
          "PartnerSyncJob",
          "invoice-export",
          "InvoiceExportJob",
          SETTLEMENT,
          "WalletSettlementJob");

  static String findProfileId(LocalTopology topology, String spanName, String jobId)
      throws Exception {
    for (TraceSpan span :
        new JaegerQuery(topology.jaegerUrl())
            .search("example-jobs", spanName, Duration.ofMinutes(15), 50)) {
      if (jobId.equals(span.attr("jobtrace.job.id")) && span.attr("jobtrace.profile.id") != null) {
        return span.attr("jobtrace.profile.id");
      }
    }
    return null;
  }

  /** JVM launch to exit of a main that returns at once, under the arm's agent. */
  static List<Long> startup(String arm, int times) throws Exception {
    List<Long> out = new ArrayList<>();
    Path repo = LocalTopology.REPO;
    for (int i = 0; i <= times; i++) {
      List<String> cmd =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      if (!arm.equals("none")) {
        cmd.add(
            "-javaagent:"
                + repo.resolve(
                    arm.equals("jobtrace")
                        ? "otel-extension/target/jobtrace-agent.jar"
                        : "otel-extension/target/upstream/opentelemetry-javaagent.jar"));
        cmd.addAll(
            List.of(
                "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none"));
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Hello.class.getName()));
      File log = File.createTempFile("startup", ".log");
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("start-up probe failed: " + Files.readString(log.toPath()));
      }
      if (i > 0) {
        out.add((System.nanoTime() - t0) / 1_000_000);
      }
    }
    return out;
  }

  /** The start-up probe. */
  public static final class Hello {
    public static void main(String[] args) {
      System.out.println("hello");
    }
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  static String seconds(long ms) {
    return String.format("%.2f s", ms / 1000.0);
  }

  static void print(int runs, double scale, Duration took) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "Example jobs at scale %s (partner stalls %d ms), %d timed runs per job and variant after one"
                + " warm-up, medians; bench took %d min%n%n",
            scale, PARTNER_STALL_MS, runs, took.toMinutes()));
    b.append(
        "| job / variant | no agent | upstream agent | jobtrace | jobtrace, profiler off | upstream / none"
            + " | jobtrace / none | jobtrace / upstream | spans per run upstream → jobtrace | span KiB per run upstream → jobtrace"
            + " | profile page after job end |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String job : JOBS) {
      for (String variant : new String[] {"slow", "fixed"}) {
        String key = job + "/" + variant;
        long none = median(WALL.get("none").get(key));
        long up = median(WALL.get("upstream").get(key));
        long jt = median(WALL.get("jobtrace").get(key));
        long noProfiler = median(WALL.get("jobtrace-no-profiler").get(key));
        String page =
            variant.equals("slow") && PROFILE_PAGE_MS.containsKey(job)
                ? seconds(median(PROFILE_PAGE_MS.get(job)))
                : "";
        b.append(
            String.format(
                "| %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %,d → %,d | %,d → %,d | %s |%n",
                key,
                seconds(none),
                seconds(up),
                seconds(jt),
                seconds(noProfiler),
                (double) up / none,
                (double) jt / none,
                (double) jt / up,
                median(SPANS.get("upstream").get(key)),
                median(SPANS.get("jobtrace").get(key)),
                median(BYTES.get("upstream").get(key)) / 1024,
                median(BYTES.get("jobtrace").get(key)) / 1024,
                page));
      }
    }
    b.append(
        "\n| job | slow (no agent) | fixed (no agent) | fixed is faster by |\n|---|---:|---:|---:|\n");
    for (String job : JOBS) {
      long slow = median(WALL.get("none").get(job + "/slow"));
      long fixed = median(WALL.get("none").get(job + "/fixed"));
      b.append(
          String.format(
              "| %s | %s | %s | %.1f× |%n",
              job, seconds(slow), seconds(fixed), (double) slow / Math.max(1, fixed)));
    }
    long none = median(STARTUP_MS.get("none"));
    b.append(
        String.format(
            "%nJVM start-up to exit of an empty main (median of 5): no agent %d ms, upstream agent %d ms (+%d ms),"
                + " jobtrace %d ms (+%d ms).%n",
            none,
            median(STARTUP_MS.get("upstream")),
            median(STARTUP_MS.get("upstream")) - none,
            median(STARTUP_MS.get("jobtrace")),
            median(STARTUP_MS.get("jobtrace")) - none));
    b.append(
        "Heap held during the 45,000-call job: bench/run.sh trace-size (this job's own live set swings by tens of MiB).\n");
    System.out.print(b);
  }
}
