package dev.jobtrace.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobtrace.e2e.LocalTopology;
import dev.jobtrace.testing.LocalOpenSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job trace costs the backend, measured on the example jobs with Jaeger keeping traces in a
 * real OpenSearch node (profiler-linker/jaeger/opensearch.yaml): per job and variant, spans and
 * OTLP bytes per run (its job trace and the request that enqueued it, as the agents send them),
 * bytes per run in the store (the span index after a merge to one segment, one copy), and the CPU
 * Jaeger (receiving, span metrics, writing) and OpenSearch (indexing) spent per span; once with the
 * profiler on and once off, so the slow variants' profile snippets show. Then the sizing those
 * figures give for 100 workers × 10 jobs/s.
 *
 * <p>CPU is each process's user and system time over the timed runs less what it uses idle
 * (measured for 15 s before them), per span, on this machine's cores.
 *
 * <p>Arguments: [timed runs per job and variant, at least 2, default 5] [scale, default 0.3].
 */
public final class Capacity {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SPANS = "/jobtrace-jaeger-span-*";
  static final long TICK_MS = 10; // /proc/<pid>/stat counts CPU in 1/100 s on Linux

  record Row(
      String arm, String key, long wallMs, double spans, double otlpBytes, double storeBytes) {}

  /** CPU per span of Jaeger and OpenSearch over an arm's timed runs, idle use taken out. */
  record Cpu(String arm, long spans, double jaegerMsPerKSpans, double storeMsPerKSpans) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    if (runs < 2) {
      throw new IllegalArgumentException("at least 2 runs per job and variant: " + runs);
    }
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 0.3;
    Instant began = Instant.now();
    List<Row> rows = new ArrayList<>();
    List<Cpu> cpu = new ArrayList<>();
    try (LocalOpenSearch store = LocalOpenSearch.start(LocalTopology.REPO)) {
      Thread stop = new Thread(() -> close(store));
      Runtime.getRuntime().addShutdownHook(stop);
      for (String arm : new String[] {"profiled", "profiler off"}) {
        System.err.println("capacity: " + arm + " ...");
        runArm(store, arm, runs, scale, rows, cpu);
      }
      Runtime.getRuntime().removeShutdownHook(stop);
    }
    print(rows, cpu, runs, scale, Duration.between(began, Instant.now()));
  }

  static void runArm(
      LocalOpenSearch store, String arm, int runs, double scale, List<Row> rows, List<Cpu> cpu)
      throws Exception {
    try (OtlpTee tee = new OtlpTee()) {
      tee.dropPolling();
      LocalTopology.Settings settings = new LocalTopology.Settings();
      settings.ports = LocalTopology.Ports.free();
      settings.scale = scale;
      settings.workers = 3;
      settings.partnerStallMillis = ExampleJobsBench.PARTNER_STALL_MS;
      settings.opensearchUrl = store.url();
      settings.otlpEndpoint = tee.endpoint();
      settings.logs =
          LocalTopology.REPO.resolve("e2e/target/bench-logs/capacity-" + arm.replace(' ', '-'));
      if (arm.equals("profiler off")) {
        settings.workerOptions.add("-Dotel.jobtrace.profiler.enabled=false");
      }
      tee.forwardTo("http://127.0.0.1:" + settings.ports.jaegerOtlpHttp);
      try (LocalTopology topology = LocalTopology.start(settings)) {
        Thread stop = new Thread(topology::close);
        Runtime.getRuntime().addShutdownHook(stop);
        long docsBefore = count(store);
        long forwardedBefore = tee.forwarded.get();
        // One warm-up run of each, stored like the others but not counted.
        for (String job : ExampleJobsBench.JOBS) {
          for (String variant : new String[] {"slow", "fixed"}) {
            runOnce(topology, job, variant);
          }
        }
        ExampleJobsBench.awaitQuiet(tee);
        awaitStored(store, docsBefore + tee.forwarded.get() - forwardedBefore);

        // What Jaeger and OpenSearch use with nothing arriving (housekeeping, scrapes).
        Process jaeger = topology.process("jaeger");
        long idle0 = System.nanoTime();
        long[] cpu0 = {cpuMs(jaeger), cpuMs(store.process())};
        Thread.sleep(15_000);
        long idleNanos = System.nanoTime() - idle0;
        long[] cpu1 = {cpuMs(jaeger), cpuMs(store.process())};
        double[] idlePerNano = {
          (double) (cpu1[0] - cpu0[0]) / idleNanos, (double) (cpu1[1] - cpu0[1]) / idleNanos
        };

        long timed0 = System.nanoTime();
        long spansTimed = 0;
        Map<String, List<String>> traces = new LinkedHashMap<>();
        for (String job : ExampleJobsBench.JOBS) {
          for (String variant : new String[] {"slow", "fixed"}) {
            tee.reset();
            long wall = 0;
            for (int i = 0; i < runs; i++) {
              wall += runOnce(topology, job, variant);
            }
            ExampleJobsBench.awaitQuiet(tee);
            long[] sent = tee.counted();
            spansTimed += sent[0];
            String key = job + "/" + variant;
            traces.put(key, tee.traceIds());
            rows.add(
                new Row(
                    arm,
                    key,
                    wall / runs,
                    (double) sent[0] / runs,
                    (double) sent[1] / runs,
                    Double.NaN));
          }
        }
        awaitStored(store, docsBefore + tee.forwarded.get() - forwardedBefore);
        long timedNanos = System.nanoTime() - timed0;
        long[] cpu2 = {cpuMs(jaeger), cpuMs(store.process())};
        cpu.add(
            new Cpu(
                arm,
                spansTimed,
                1000 * (cpu2[0] - cpu1[0] - idlePerNano[0] * timedNanos) / spansTimed,
                1000 * (cpu2[1] - cpu1[1] - idlePerNano[1] * timedNanos) / spansTimed));

        // Each job's traces on their own, as the store keeps them: what one more trace adds to
        // an index (all of them less the first alone, so the index's own files cancel out), times
        // the traces of a run (the job's, and the request's that enqueued it).
        for (int i = rows.size() - traces.size(); i < rows.size(); i++) {
          Row r = rows.get(i);
          String index = "capacity-" + arm.replace(' ', '-') + "-" + r.key.replace('/', '-');
          List<String> ids = traces.get(r.key);
          long one = storedBytes(store, index + "-first", ids.subList(0, 1));
          long all = storedBytes(store, index + "-all", ids);
          double perRun = (double) (all - one) / (ids.size() - 1) * ids.size() / runs;
          rows.set(i, new Row(r.arm, r.key, r.wallMs, r.spans, r.otlpBytes, perRun));
          System.err.printf(
              "capacity: %-12s %-26s %6d ms %8.0f spans %9.0f B sent %9.0f B stored%n",
              arm, r.key, r.wallMs, r.spans, r.otlpBytes, perRun);
        }
        Runtime.getRuntime().removeShutdownHook(stop);
      }
    }
  }

  static void close(AutoCloseable part) {
    try {
      part.close();
    } catch (Exception e) {
      System.err.println("capacity: " + e);
    }
  }

  /** One run of the job, to its end; its process milliseconds. */
  static long runOnce(LocalTopology topology, String job, String variant) throws Exception {
    String id = ExampleJobsBench.enqueue(topology, job, variant);
    return ExampleJobsBench.awaitFinished(topology, id)[0];
  }

  static long count(LocalOpenSearch store) throws Exception {
    store.refresh();
    try {
      return JSON.readTree(store.get(SPANS + "/_count")).path("count").asLong();
    } catch (IllegalStateException noIndexYet) {
      return 0;
    }
  }

  /** Until the store holds {@code docs} spans (Jaeger writes in bulk, a moment later). */
  static void awaitStored(LocalOpenSearch store, long docs) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    long have = 0;
    while (Instant.now().isBefore(deadline)) {
      have = count(store);
      if (have >= docs) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the store holds " + have + " spans of the " + docs + " Jaeger was sent");
  }

  /**
   * The size on disk of those traces' spans copied into an index of their own with Jaeger's span
   * mapping, merged to one segment (what an index settles to), one copy.
   */
  static long storedBytes(LocalOpenSearch store, String index, List<String> traceIds)
      throws Exception {
    JsonNode mappings = JSON.readTree(store.get(SPANS + "/_mapping")).elements().next();
    ObjectNode create = JSON.createObjectNode();
    create
        .putObject("settings")
        .put("index.number_of_shards", 1)
        .put("index.number_of_replicas", 0);
    create.set("mappings", mappings.path("mappings"));
    store.put("/" + index, create.toString());
    ObjectNode reindex = JSON.createObjectNode();
    ObjectNode source = reindex.putObject("source").put("index", SPANS.substring(1));
    ArrayNode ids = source.putObject("query").putObject("terms").putArray("traceID");
    traceIds.forEach(ids::add);
    reindex.putObject("dest").put("index", index);
    JsonNode done = JSON.readTree(store.post("/_reindex?refresh=true", reindex.toString()));
    if (done.path("failures").size() > 0 || done.path("created").asLong() == 0) {
      throw new IllegalStateException("reindex into " + index + ": " + done);
    }
    store.post("/" + index + "/_forcemerge?max_num_segments=1&flush=true", null);
    JsonNode stats = JSON.readTree(store.get("/" + index + "/_stats/store"));
    return stats.path("_all").path("primaries").path("store").path("size_in_bytes").asLong();
  }

  /** CPU time the process has used, user and system (Linux /proc). */
  static long cpuMs(Process process) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is the state (stat's third field): utime and stime are stat's 14th and 15th.
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_MS;
  }

  static double mean(List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
    return rows.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  static void print(List<Row> rows, List<Cpu> cpu, int runs, double scale, Duration took) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "Example jobs at scale %s, %d timed runs per job and variant after one warm-up, means;"
                + " Jaeger on one OpenSearch 2.19 node; bench took %d min%n%n",
            scale, runs, took.toMinutes()));
    b.append(
        "| job / variant | profiler | run | spans per run | OTLP KiB per run | store KiB per"
            + " run |\n|---|---|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              "| %s | %s | %.2f s | %.0f | %.1f | %.1f |%n",
              r.key,
              r.arm.equals("profiled") ? "on" : "off",
              r.wallMs / 1000.0,
              r.spans,
              r.otlpBytes / 1024,
              r.storeBytes / 1024));
    }
    b.append(
        "\n| profiler | spans timed | Jaeger CPU ms per 1,000 spans | OpenSearch CPU ms per 1,000 spans |\n|---|---:|---:|---:|\n");
    for (Cpu c : cpu) {
      b.append(
          String.format(
              "| %s | %,d | %.0f | %.0f |%n",
              c.arm.equals("profiled") ? "on" : "off",
              c.spans,
              c.jaegerMsPerKSpans,
              c.storeMsPerKSpans));
    }
    List<Row> profiled = rows.stream().filter(r -> r.arm.equals("profiled")).toList();
    List<Row> slow = profiled.stream().filter(r -> r.key.endsWith("/slow")).toList();
    List<Row> fixed = profiled.stream().filter(r -> r.key.endsWith("/fixed")).toList();
    Cpu on = cpu.get(0);
    double spans = mean(profiled, Row::spans);
    double otlp = mean(profiled, Row::otlpBytes);
    double stored = mean(profiled, Row::storeBytes);
    double slowStored = mean(slow, Row::storeBytes);
    double fixedStored = mean(fixed, Row::storeBytes);
    double rate = 100 * 10; // job traces per second: 100 workers × 10 jobs/s
    double spansPerSecond = rate * spans;
    double perDay = rate * 86_400;
    // Kept under the tail-sampling policy: every slow trace and 10% of the rest, 10% of jobs slow.
    double sampledPerDay = perDay * (0.1 * slowStored + 0.9 * 0.1 * fixedStored);
    b.append(
        String.format(
            "%nMeans over the profiled runs of the twelve jobs and variants: %.0f spans, %.1f KiB"
                + " sent, %.1f KiB stored per run (slow variants %.1f KiB, fixed %.1f KiB).%n",
            spans, otlp / 1024, stored / 1024, slowStored / 1024, fixedStored / 1024));
    b.append(
        String.format(
            "%n| 100 workers × 10 jobs/s (1,000 job traces/s), from these means | |%n|---|---:|%n"
                + "| spans per second per worker | %,.0f |%n"
                + "| spans per second into the collectors | %,.0f |%n"
                + "| OTLP into the collectors (protobuf, before compression) | %.1f MB/s |%n"
                + "| Jaeger collector CPU, cores busy | %.1f |%n"
                + "| OpenSearch indexing CPU, cores busy (one copy) | %.1f |%n"
                + "| store per day, every trace kept (one copy) | %,.0f GB |%n"
                + "| store per day, every slow trace and 10%% of the rest, 10%% of jobs slow (one"
                + " copy) | %,.0f GB |%n",
            spansPerSecond / 100,
            spansPerSecond,
            rate * otlp / 1e6,
            spansPerSecond * on.jaegerMsPerKSpans / 1e6,
            spansPerSecond * on.storeMsPerKSpans / 1e6,
            perDay * stored / 1e9,
            sampledPerDay / 1e9));
    System.out.print(b);
  }
}
