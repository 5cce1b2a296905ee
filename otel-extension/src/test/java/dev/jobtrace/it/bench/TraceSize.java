package dev.jobtrace.it.bench;

import dev.jobtrace.it.apps.AnalysisJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Servers;
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
        measure(servers, "none", null, "otel.jobtrace.jobs", results);
        measure(
            servers,
            "upstream",
            System.getProperty("jobtrace.upstream.agent.jar"),
            "otel.instrumentation.methods.include",
            results);
        measure(
            servers,
            "jobtrace",
            System.getProperty("jobtrace.agent.jar"),
            "otel.jobtrace.jobs",
            results);
      }
    }
    long[] none = medians(results.get("none"));
    long[] up = medians(results.get("upstream"));
    long[] jt = medians(results.get("jobtrace"));
    System.out.println();
    System.out.println(
        "| agent | spans exported | trace bytes exported | job wall time (ms) | heap held during the job (KiB) |");
    System.out.println("|---|---|---|---|---|");
    System.out.printf("| none | - | - | %d | %d |%n", none[2], none[3]);
    System.out.printf("| upstream 2.33.1 | %d | %d | %d | %d |%n", up[0], up[1], up[2], up[3]);
    System.out.printf("| jobtrace | %d | %d | %d | %d |%n", jt[0], jt[1], jt[2], jt[3]);
    System.out.printf(
        "| jobtrace / upstream | %.4f | %.4f | %.3f | |%n",
        (double) jt[0] / up[0], (double) jt[1] / up[1], (double) jt[2] / up[2]);
    System.out.printf("| jobtrace − none | | | %+d | %+d |%n", jt[2] - none[2], jt[3] - none[3]);
    System.out.printf(
        "%nmedians of %d launches per agent; the job makes 45,000 Redis GETs (45,001 spans with the job span), plus the application's start-up spans; heap held = peak heap occupancy after collections during the job minus the occupancy before it, as the JVM reports it after collections (G1: in whole 4 MiB regions), so differences under 4 MiB do not show%n",
        launches);
  }

  static void measure(
      Servers servers, String arm, String agent, String jobsKey, Map<String, List<long[]>> results)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result r =
          servers
              .configure(AgentProcess.of(AnalysisJobsApp.class, receiver))
              .agentJar(agent)
              .set(jobsKey, JOB)
              .arg("reference")
              .arg("45000")
              .run(600);
      long[] m = {
        receiver.spans().size(),
        receiver.traceBytes(),
        value(r, "job-ms "),
        value(r, "heap-held-kib ")
      };
      results.computeIfAbsent(arm, k -> new ArrayList<>()).add(m);
      System.err.printf(
          "%s: spans=%d bytes=%d job=%d ms heap held=%d KiB%n", arm, m[0], m[1], m[2], m[3]);
    }
  }

  static long value(AgentProcess.Result r, String prefix) {
    return r.output
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("no " + prefix + "in the app's output:\n" + r.output));
  }

  static long[] medians(List<long[]> runs) {
    long[] out = new long[4];
    for (int k = 0; k < 4; k++) {
      final int col = k;
      long[] v = runs.stream().mapToLong(r -> r[col]).sorted().toArray();
      out[k] = v[v.length / 2];
    }
    return out;
  }
}
