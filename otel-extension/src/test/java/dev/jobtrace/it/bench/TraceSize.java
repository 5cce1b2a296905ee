package dev.jobtrace.it.bench;

import dev.jobtrace.it.AgentProcess;
import dev.jobtrace.it.OtlpReceiver;
import dev.jobtrace.it.Servers;
import dev.jobtrace.it.apps.AnalysisJobsApp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 45,000-lookup job under the upstream agent alone and under jobtrace: spans and bytes
 * exported, and the job's wall time. Launches alternate. Prints a Markdown table.
 */
public final class TraceSize {

  static final String JOB = "dev.jobtrace.it.apps.AnalysisJobsApp$ReferenceDataJob[run]";

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Map<String, List<long[]>> results = new LinkedHashMap<>();
    try (Servers servers = Servers.start()) {
      for (int i = 0; i < launches; i++) {
        measure(servers, "upstream", System.getProperty("jobtrace.upstream.agent.jar"), "otel.instrumentation.methods.include", results);
        measure(servers, "jobtrace", System.getProperty("jobtrace.agent.jar"), "otel.jobtrace.jobs", results);
      }
    }
    long[] up = medians(results.get("upstream"));
    long[] jt = medians(results.get("jobtrace"));
    System.out.println();
    System.out.println("| agent | spans exported | trace bytes exported | job wall time (ms) |");
    System.out.println("|---|---|---|---|");
    System.out.printf("| upstream 2.33.1 | %d | %d | %d |%n", up[0], up[1], up[2]);
    System.out.printf("| jobtrace | %d | %d | %d |%n", jt[0], jt[1], jt[2]);
    System.out.printf("| jobtrace / upstream | %.4f | %.4f | %.3f |%n",
        (double) jt[0] / up[0], (double) jt[1] / up[1], (double) jt[2] / up[2]);
    System.out.printf("%nmedians of %d launches per agent; the job makes 45,000 Redis GETs (45,001 spans with the job span), plus the application's start-up spans%n", launches);
  }

  static void measure(Servers servers, String arm, String agent, String jobsKey, Map<String, List<long[]>> results) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result r =
          servers.configure(AgentProcess.of(AnalysisJobsApp.class, receiver)).agentJar(agent).set(jobsKey, JOB)
              .arg("reference").arg("45000").run(600);
      long jobMs = r.output.lines().filter(l -> l.startsWith("job-ms ")).mapToLong(l -> Long.parseLong(l.substring(7))).findFirst().orElseThrow();
      long[] m = {receiver.spans().size(), receiver.traceBytes(), jobMs};
      results.computeIfAbsent(arm, k -> new ArrayList<>()).add(m);
      System.err.printf("%s: spans=%d bytes=%d job=%d ms%n", arm, m[0], m[1], m[2]);
    }
  }

  static long[] medians(List<long[]> runs) {
    long[] out = new long[3];
    for (int k = 0; k < 3; k++) {
      final int col = k;
      long[] v = runs.stream().mapToLong(r -> r[col]).sorted().toArray();
      out[k] = v[v.length / 2];
    }
    return out;
  }
}
