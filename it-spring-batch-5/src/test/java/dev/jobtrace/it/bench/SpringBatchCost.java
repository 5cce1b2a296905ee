package dev.jobtrace.it.bench;

import dev.jobtrace.it.apps.SpringBatch5Worker;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Servers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What jobtrace's Spring Batch tracking costs per item: a chunk step of 20,000 items in chunks of
 * 100 with no I/O of its own (the job repository on real PostgreSQL), in fresh JVMs with no agent,
 * the upstream agent (which has no Spring Batch 5 support, so it traces only the repository's SQL)
 * and jobtrace (job, step and chunk tracking, the repository's SQL left out), launches alternating.
 * Prints a Markdown table of medians.
 */
public final class SpringBatchCost {

  static final int ITEMS = 20_000;

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Map<String, List<Long>> wall = new LinkedHashMap<>();
    Map<String, List<Long>> cpu = new LinkedHashMap<>();
    try (Servers servers = Servers.start()) {
      for (int i = 0; i < launches; i++) {
        run(servers, "none", null, reps, wall, cpu);
        run(
            servers,
            "upstream",
            System.getProperty("jobtrace.upstream.agent.jar"),
            reps,
            wall,
            cpu);
        run(servers, "jobtrace", System.getProperty("jobtrace.agent.jar"), reps, wall, cpu);
      }
    }
    double upWall = ProfilingOverhead.median(wall.get("upstream"));
    double upCpu = ProfilingOverhead.median(cpu.get("upstream"));
    System.out.println();
    System.out.println("JVM: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
    System.out.println(
        "| agent | median job wall time (ms) | median process CPU per job (ms) | CPU per item beyond upstream (µs) | wall vs upstream | CPU vs upstream |");
    System.out.println("|---|---|---|---|---|---|");
    for (String arm : List.of("none", "upstream", "jobtrace")) {
      double w = ProfilingOverhead.median(wall.get(arm));
      double c = ProfilingOverhead.median(cpu.get(arm));
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.0f | %s | %.2f | %.2f |%n",
          arm.equals("upstream") ? "upstream 2.33.1" : arm,
          w,
          c,
          arm.equals("jobtrace")
              ? String.format(Locale.ROOT, "%.1f", (c - upCpu) * 1000 / ITEMS)
              : "-",
          w / upWall,
          c / upCpu);
    }
    System.out.printf(
        Locale.ROOT,
        "%nmedians over %d launches × %d timed jobs per agent (after 2 warm-up jobs per launch); each job is one chunk step of %,d items in chunks of 100%n",
        launches,
        reps,
        ITEMS);
  }

  static void run(
      Servers servers,
      String arm,
      String agent,
      int reps,
      Map<String, List<Long>> wall,
      Map<String, List<Long>> cpu)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      PerCallCost.collect(
          servers
              .configure(AgentProcess.of(SpringBatch5Worker.class, receiver))
              .agentJar(agent)
              .arg("bench")
              .arg(Integer.toString(ITEMS))
              .arg(Integer.toString(reps))
              .run(600),
          arm,
          wall,
          cpu);
    }
  }
}
