package dev.jobtrace.it.bench;

import com.sun.net.httpserver.HttpServer;
import dev.jobtrace.it.apps.BenchJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Servers;
import dev.jobtrace.tracking.BenchAccess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What tracing costs per Redis call on the classic N+1 (20,000 GETs, each for its record's own
 * key), two ways, each printed as a Markdown table:
 *
 * <ol>
 *   <li>In this JVM, the span pipeline alone: the SDK as the agent builds it, exporting over
 *       OTLP/HTTP to a local endpoint that discards what it gets, with and without jobtrace's
 *       processors in front of the exporter; rounds alternate. No network wait, so the CPU per call
 *       is the pipeline's own.
 *   <li>End to end: the application with real Redis in fresh JVMs with no agent, the upstream agent
 *       alone and jobtrace (with and without its profiler), launches alternating; the process's CPU
 *       per job (every thread) and its wall time.
 * </ol>
 */
public final class PerCallCost {

  static final String JOB = "dev.jobtrace.it.apps.BenchJobsApp$LookupJob[run]";
  static final int CALLS = 20_000;

  static final String JDBC_JOB = "dev.jobtrace.it.apps.BenchJobsApp$JdbcLookupJob[run]";
  static final int JDBC_CALLS = 10_000;

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    if (args.length > 2 && args[2].equals("jdbc")) {
      jdbc(launches, reps);
      return;
    }
    String pipeline = pipeline(Math.max(10, launches * reps));
    Map<String, List<Long>> wall = new LinkedHashMap<>();
    Map<String, List<Long>> cpu = new LinkedHashMap<>();
    try (Servers servers = Servers.start()) {
      for (int i = 0; i < launches; i++) {
        run(servers, "none", null, "otel.jobtrace.jobs", reps, wall, cpu);
        run(
            servers,
            "upstream",
            System.getProperty("jobtrace.upstream.agent.jar"),
            "otel.instrumentation.methods.include",
            reps,
            wall,
            cpu);
        run(
            servers,
            "jobtrace",
            System.getProperty("jobtrace.agent.jar"),
            "otel.jobtrace.jobs",
            reps,
            wall,
            cpu);
        run(
            servers,
            "jobtrace, profiler off",
            System.getProperty("jobtrace.agent.jar"),
            "otel.jobtrace.jobs",
            reps,
            wall,
            cpu,
            "otel.jobtrace.profiler.enabled",
            "false");
      }
    }
    System.out.println();
    System.out.println("JVM: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
    System.out.print(pipeline);
    System.out.println();
    agentTable(wall, cpu, "Redis", CALLS);
    System.out.printf(
        "%nmedians over %d launches × %d timed jobs per agent (after 2 warm-up jobs per launch); each job makes %,d Redis GETs of %,d keys%n",
        launches, reps, CALLS, CALLS);
  }

  /**
   * What a traced JDBC call costs on the N+1 against PostgreSQL (10,000 prepared SELECTs by id), in
   * fresh JVMs with no agent, the upstream agent, jobtrace, and jobtrace without the advice that
   * reads each statement's timeout; launches alternating. jobtrace's per-call work here is the
   * timeout advice, the call's shape and analysis, and its bookkeeping for contention.
   */
  static void jdbc(int launches, int reps) throws Exception {
    Map<String, List<Long>> wall = new LinkedHashMap<>();
    Map<String, List<Long>> cpu = new LinkedHashMap<>();
    String upstream = System.getProperty("jobtrace.upstream.agent.jar");
    String jobtrace = System.getProperty("jobtrace.agent.jar");
    try (Servers servers = Servers.start()) {
      for (int i = 0; i < launches; i++) {
        run(servers, "none", null, "otel.jobtrace.jobs", JDBC_JOB, "jdbc-lookup", reps, wall, cpu);
        run(
            servers,
            "upstream",
            upstream,
            "otel.instrumentation.methods.include",
            JDBC_JOB,
            "jdbc-lookup",
            reps,
            wall,
            cpu);
        run(
            servers,
            "jobtrace",
            jobtrace,
            "otel.jobtrace.jobs",
            JDBC_JOB,
            "jdbc-lookup",
            reps,
            wall,
            cpu);
        run(
            servers,
            "jobtrace, no timeout advice",
            jobtrace,
            "otel.jobtrace.jobs",
            JDBC_JOB,
            "jdbc-lookup",
            reps,
            wall,
            cpu,
            "otel.instrumentation.jobtrace-call-timeouts.enabled",
            "false");
      }
    }
    System.out.println();
    System.out.println("JVM: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
    agentTable(wall, cpu, "JDBC", JDBC_CALLS);
    System.out.printf(
        "%nmedians over %d launches × %d timed jobs per agent (after 2 warm-up jobs per launch); each job makes %,d prepared SELECTs by id against PostgreSQL%n",
        launches, reps, JDBC_CALLS);
  }

  /** One row per agent arm, in the order they ran, as ratios to the upstream agent. */
  static void agentTable(
      Map<String, List<Long>> wall, Map<String, List<Long>> cpu, String callKind, int calls) {
    double noneCpu = ProfilingOverhead.median(cpu.get("none"));
    double upCpu = ProfilingOverhead.median(cpu.get("upstream"));
    double upWall = ProfilingOverhead.median(wall.get("upstream"));
    System.out.println(
        "| agent | median job wall time (ms) | median process CPU per job (ms) | CPU per "
            + callKind
            + " call beyond no agent (µs) | wall vs upstream | CPU vs upstream |");
    System.out.println("|---|---|---|---|---|---|");
    for (String arm : wall.keySet()) {
      double c = ProfilingOverhead.median(cpu.get(arm));
      double w = ProfilingOverhead.median(wall.get(arm));
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %s | %.2f | %.2f |%n",
          arm.equals("upstream") ? "upstream 2.33.1" : arm,
          w,
          c,
          arm.equals("none")
              ? "-"
              : String.format(Locale.ROOT, "%.1f", (c - noneCpu) * 1000 / calls),
          w / upWall,
          c / upCpu);
    }
  }

  /**
   * The span pipeline alone, in this JVM: {@code rounds} jobs per arm after warm-up, arms
   * alternating.
   */
  static String pipeline(int rounds) throws Exception {
    HttpServer sink =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    sink.createContext(
        "/v1/traces",
        exchange -> {
          long bytes = exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
          received.addAndGet(bytes);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sink.start();
    String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort() + "/v1/traces";
    Map<Boolean, List<Long>> cpu = new LinkedHashMap<>();
    Map<Boolean, List<Long>> bytes = new LinkedHashMap<>();
    try {
      for (int round = -5; round < rounds; round++) {
        for (boolean jobtrace : new boolean[] {false, true}) {
          long before = received.get();
          long[] spent = BenchAccess.perCallJob(jobtrace, CALLS, endpoint);
          if (round >= 0) {
            cpu.computeIfAbsent(jobtrace, k -> new ArrayList<>()).add(spent[0]);
            bytes.computeIfAbsent(jobtrace, k -> new ArrayList<>()).add(received.get() - before);
          }
        }
      }
    } finally {
      sink.stop(0);
    }
    double up = ProfilingOverhead.median(cpu.get(false)) / CALLS / 1000;
    double jt = ProfilingOverhead.median(cpu.get(true)) / CALLS / 1000;
    StringBuilder b = new StringBuilder();
    b.append(
        "| span pipeline | CPU per Redis call (µs) | OTLP bytes exported per job | vs SDK alone |\n");
    b.append("|---|---|---|---|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| SDK, batch export (upstream agent's pipeline) | %.1f | %.0f | 1.00 |%n",
            up,
            ProfilingOverhead.median(bytes.get(false))));
    b.append(
        String.format(
            Locale.ROOT,
            "| jobtrace in front of the same export | %.1f | %.0f | %.2f |%n",
            jt,
            ProfilingOverhead.median(bytes.get(true)),
            jt / up));
    b.append(
        String.format(
            Locale.ROOT,
            "%nmedians of %d jobs of %,d calls per arm (after 5 warm-up jobs each), arms alternating, process CPU from the job's start to the end of its export%n",
            rounds,
            CALLS));
    return b.toString();
  }

  static final AtomicLong received = new AtomicLong();

  static void run(
      Servers servers,
      String arm,
      String agent,
      String jobsKey,
      int reps,
      Map<String, List<Long>> wall,
      Map<String, List<Long>> cpu,
      String... settings)
      throws Exception {
    run(servers, arm, agent, jobsKey, JOB, "lookup", reps, wall, cpu, settings);
  }

  /** Launches the bench application's {@code appJob} under {@code agent} (null: none). */
  static void run(
      Servers servers,
      String arm,
      String agent,
      String jobsKey,
      String job,
      String appJob,
      int reps,
      Map<String, List<Long>> wall,
      Map<String, List<Long>> cpu,
      String... settings)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(BenchJobsApp.class, receiver))
              .agentJar(agent)
              .set(jobsKey, job)
              .arg(appJob)
              .arg(Integer.toString(reps));
      for (int i = 0; i < settings.length; i += 2) {
        app.set(settings[i], settings[i + 1]);
      }
      collect(app.run(600), arm, wall, cpu);
    }
  }

  /**
   * The "job-ms" and "cpu-ms" lines a bench application prints per timed job, added to the arm's
   * wall and CPU times; an application that printed none fails the bench.
   */
  public static void collect(
      AgentProcess.Result r,
      String arm,
      Map<String, List<Long>> wall,
      Map<String, List<Long>> cpu) {
    List<Long> w = wall.computeIfAbsent(arm, k -> new ArrayList<>());
    List<Long> c = cpu.computeIfAbsent(arm, k -> new ArrayList<>());
    r.output
        .lines()
        .filter(l -> l.startsWith("job-ms "))
        .forEach(l -> w.add(Long.parseLong(l.substring(7))));
    r.output
        .lines()
        .filter(l -> l.startsWith("cpu-ms "))
        .forEach(l -> c.add(Long.parseLong(l.substring(7))));
    if (c.isEmpty()) {
      throw new IllegalStateException(
          arm + ": no cpu-ms in the application's output:\n" + r.output);
    }
    System.err.println(arm + ": wall " + w + " cpu " + c);
  }
}
