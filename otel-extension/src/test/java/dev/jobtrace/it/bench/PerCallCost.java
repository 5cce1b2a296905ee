package dev.jobtrace.it.bench;

import dev.jobtrace.it.AgentProcess;
import dev.jobtrace.it.OtlpReceiver;
import dev.jobtrace.it.Servers;
import dev.jobtrace.it.apps.BenchJobsApp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an agent costs per Redis call on the classic N+1 (20,000 GETs, each for its record's own
 * key): the application process's CPU time per job (every thread, the agent's exporter and
 * jobtrace's collector included) with no agent, the upstream agent alone and jobtrace, launches
 * alternating. The agent's own CPU per call is its CPU per job minus the no-agent arm's, divided by
 * the calls. Prints a Markdown table.
 */
public final class PerCallCost {

  static final String JOB = "dev.jobtrace.it.apps.BenchJobsApp$LookupJob[run]";
  static final int CALLS = 20_000;

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Map<String, List<Long>> wall = new LinkedHashMap<>();
    Map<String, List<Long>> cpu = new LinkedHashMap<>();
    try (Servers servers = Servers.start()) {
      for (int i = 0; i < launches; i++) {
        run(servers, "none", null, "otel.jobtrace.jobs", reps, wall, cpu);
        run(servers, "upstream", System.getProperty("jobtrace.upstream.agent.jar"), "otel.instrumentation.methods.include", reps, wall, cpu);
        run(servers, "jobtrace", System.getProperty("jobtrace.agent.jar"), "otel.jobtrace.jobs", reps, wall, cpu);
      }
    }
    double noneCpu = ProfilingOverhead.median(cpu.get("none"));
    double upOwn = (ProfilingOverhead.median(cpu.get("upstream")) - noneCpu) * 1000 / CALLS;
    System.out.println();
    System.out.println("JVM: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
    System.out.println("| agent | median job wall time (ms) | median process CPU per job (ms) | agent's own CPU per Redis call (µs) | vs upstream agent |");
    System.out.println("|---|---|---|---|---|");
    for (String arm : List.of("none", "upstream", "jobtrace")) {
      double c = ProfilingOverhead.median(cpu.get(arm));
      double own = (c - noneCpu) * 1000 / CALLS;
      System.out.printf("| %s | %.0f | %.0f | %s | %s |%n", arm.equals("upstream") ? "upstream 2.33.1" : arm,
          ProfilingOverhead.median(wall.get(arm)), c,
          arm.equals("none") ? "-" : String.format("%.1f", own),
          arm.equals("none") ? "-" : String.format("%.2f", own / upOwn));
    }
    System.out.printf("%nmedians over %d launches × %d timed jobs per agent (after 2 warm-up jobs per launch); each job makes %,d Redis GETs of %,d keys%n",
        launches, reps, CALLS, CALLS);
  }

  static void run(
      Servers servers, String arm, String agent, String jobsKey, int reps, Map<String, List<Long>> wall,
      Map<String, List<Long>> cpu) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result r =
          servers.configure(AgentProcess.of(BenchJobsApp.class, receiver)).agentJar(agent).set(jobsKey, JOB)
              .arg("lookup").arg(Integer.toString(reps)).run(600);
      List<Long> w = wall.computeIfAbsent(arm, k -> new ArrayList<>());
      List<Long> c = cpu.computeIfAbsent(arm, k -> new ArrayList<>());
      r.output.lines().filter(l -> l.startsWith("job-ms ")).forEach(l -> w.add(Long.parseLong(l.substring(7))));
      r.output.lines().filter(l -> l.startsWith("cpu-ms ")).forEach(l -> c.add(Long.parseLong(l.substring(7))));
      if (c.isEmpty()) {
        throw new IllegalStateException(arm + ": no cpu-ms in the app's output:\n" + r.output);
      }
      System.err.println(arm + ": wall " + w + " cpu " + c);
    }
  }
}
