package dev.jobtrace.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.jobtrace.e2e.LocalTopology;
import dev.jobtrace.testing.LocalOpenSearch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a job trace costs the backend, measured on the example jobs with Jaeger keeping traces in a
 * real OpenSearch node (profiler-linker/jaeger/opensearch.yaml): per job and variant, spans and
 * OTLP bytes per run (its job trace and the request that enqueued it, as the agents send them),
 * bytes per run in the store (the span index after a merge to one segment, one copy), and the CPU
 * Jaeger (receiving, span metrics, writing) and OpenSearch (indexing) spent per span; once with the
 * profiler on and once off, so the slow variants' profile snippets show. Then the sizing those
 * figures give for 100 workers × 10 jobs/s.
 *
 * <p>CPU is each process's user and system time, per span, while the timed runs' trace requests are
 * sent again as fast as four senders go (copies with trace ids of their own, at least {@value
 * #REPLAY_SPANS} spans), from the first request until the store holds them all: under load, so idle
 * use is a small part of it, on this machine's cores.
 *
 * <p>Arguments: [timed runs per job and variant, at least 2, default 5] [scale, default 0.3].
 */
public final class Capacity {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SPANS = "/jobtrace-jaeger-span-*";
  static final long TICK_MS = 10; // /proc/<pid>/stat counts CPU in 1/100 s on Linux

  record Row(
      String arm, String key, long wallMs, double spans, double otlpBytes, double storeBytes) {}

  /** Spans replayed at least, per arm, for the CPU figures. */
  static final long REPLAY_SPANS = 40_000;

  /** CPU per span of Jaeger and OpenSearch under the replayed load, and the rate it reached. */
  record Cpu(
      String arm,
      long spans,
      double spansPerSecond,
      double jaegerMsPerKSpans,
      double storeMsPerKSpans) {}

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
        awaitStored(store, docsBefore + tee.forwarded.get() - forwardedBefore, 60);

        Process jaeger = topology.process("jaeger");
        tee.record();
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
        awaitStored(store, docsBefore + tee.forwarded.get() - forwardedBefore, 60);
        cpu.add(replay(store, jaeger, settings.ports.jaegerOtlpHttp, arm, tee.recorded()));

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

  /**
   * The timed runs' trace requests sent again, as fast as four senders go, as copies with trace ids
   * of their own until there are at least {@link #REPLAY_SPANS} spans: the CPU Jaeger and
   * OpenSearch use from the first request until the store holds every span, per span. Under that
   * load their idle use is a small part of the window and is left in.
   */
  static Cpu replay(
      LocalOpenSearch store, Process jaeger, int otlpHttpPort, String arm, List<byte[]> requests)
      throws Exception {
    List<ExportTraceServiceRequest> parsed = new ArrayList<>();
    long spansPerCopy = 0;
    for (byte[] r : requests) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(r);
      parsed.add(request);
      spansPerCopy += spans(request);
    }
    int copies = (int) Math.max(1, (REPLAY_SPANS + spansPerCopy - 1) / spansPerCopy);
    List<byte[]> bodies = new ArrayList<>();
    for (int c = 1; c <= copies; c++) {
      for (ExportTraceServiceRequest request : parsed) {
        bodies.add(withTraceIdsOfCopy(request, c).toByteArray());
      }
    }
    long spans = spansPerCopy * copies;
    long docs = count(store);
    HttpClient http = HttpClient.newHttpClient();
    URI target = URI.create("http://127.0.0.1:" + otlpHttpPort + "/v1/traces");
    ExecutorService senders = Executors.newFixedThreadPool(4);
    long t0 = System.nanoTime();
    long[] cpu0 = {cpuMs(jaeger), cpuMs(store.process())};
    try {
      List<Future<Integer>> sent = new ArrayList<>();
      for (byte[] body : bodies) {
        sent.add(
            senders.submit(
                () ->
                    http.send(
                            HttpRequest.newBuilder(target)
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
      }
      for (Future<Integer> f : sent) {
        if (f.get() != 200) {
          throw new IllegalStateException("Jaeger answered a replayed request with " + f.get());
        }
      }
    } finally {
      senders.shutdown();
    }
    awaitStored(store, docs + spans, 600);
    long nanos = System.nanoTime() - t0;
    long[] cpu1 = {cpuMs(jaeger), cpuMs(store.process())};
    System.err.printf("capacity: %-12s replayed %,d spans in %.1f s%n", arm, spans, nanos / 1e9);
    return new Cpu(
        arm,
        spans,
        spans / (nanos / 1e9),
        1000.0 * (cpu1[0] - cpu0[0]) / spans,
        1000.0 * (cpu1[1] - cpu0[1]) / spans);
  }

  static long spans(ExportTraceServiceRequest request) {
    long n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  /** The request with each trace id's first four bytes replaced by the copy's number. */
  static ExportTraceServiceRequest withTraceIdsOfCopy(ExportTraceServiceRequest request, int copy) {
    ExportTraceServiceRequest.Builder b = request.toBuilder();
    byte[] mark = java.nio.ByteBuffer.allocate(4).putInt(copy).array();
    for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
      for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
        for (Span.Builder span : ss.getSpansBuilderList()) {
          byte[] id = span.getTraceId().toByteArray();
          System.arraycopy(mark, 0, id, 0, 4);
          span.setTraceId(ByteString.copyFrom(id));
        }
      }
    }
    return b.build();
  }

  /** Until the store holds {@code docs} spans (Jaeger writes in bulk, a moment later). */
  static void awaitStored(LocalOpenSearch store, long docs, long seconds) throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
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
        "\n| profiler | spans replayed | spans/s reached | Jaeger CPU ms per 1,000 spans |"
            + " OpenSearch CPU ms per 1,000 spans |\n|---|---:|---:|---:|---:|\n");
    for (Cpu c : cpu) {
      b.append(
          String.format(
              "| %s | %,d | %,.0f | %.0f | %.0f |%n",
              c.arm.equals("profiled") ? "on" : "off",
              c.spans,
              c.spansPerSecond,
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
