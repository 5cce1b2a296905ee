package dev.jobtrace.it.bench;

import dev.jobtrace.it.apps.BenchJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Servers;
import dev.jobtrace.tracking.BenchAccess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Job wall time under the upstream agent alone and under jobtrace at several sampling intervals, on
 * a CPU-bound and an I/O-bound job; launches of the arms alternate so that machine noise hits them
 * alike. Also the time to build one snippet for a 10 s span. Prints a Markdown table.
 */
public final class ProfilingOverhead {

  static final String CPU = "dev.jobtrace.it.apps.BenchJobsApp$CpuJob[run]";
  static final String IO = "dev.jobtrace.it.apps.BenchJobsApp$IoJob[run]";
  static final String LOCK = "dev.jobtrace.it.apps.BenchJobsApp$LockJob[run]";
  static final String NO_TIMELINE = "10ms, no timeline";
  static final String NO_LOCK_WAITS = "10ms, no lock waits";

  public static void main(String[] args) throws Exception {
    int launches = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    String agent = System.getProperty("jobtrace.agent.jar");
    String upstream = System.getProperty("jobtrace.upstream.agent.jar");
    // "10ms, no timeline": the samples' order not kept, for what keeping it costs; "10ms, no lock
    // waits": async-profiler's lock events not recorded, likewise.
    String[] intervals = {"5ms", "10ms", "20ms", NO_TIMELINE, NO_LOCK_WAITS};

    // The same jobs on virtual threads where the JVM has them (JDK 21+); a third argument picks
    // some.
    List<String> jobs =
        Runtime.version().feature() >= 21
            ? List.of("cpu", "io", "cpu-vt", "io-vt")
            : List.of("cpu", "io");
    if (args.length > 2) {
      jobs = List.of(args[2].split(","));
    }
    Map<String, List<Long>> times = new LinkedHashMap<>();
    try (Servers servers = Servers.start()) {
      for (String job : jobs) {
        String method = job.startsWith("cpu") ? CPU : job.equals("lock") ? LOCK : IO;
        for (int launch = 0; launch < launches; launch++) {
          run(
              servers,
              upstream,
              job,
              reps,
              "otel.instrumentation.methods.include",
              method,
              null,
              times,
              job + " upstream");
          for (String interval : intervals) {
            run(
                servers,
                agent,
                job,
                reps,
                "otel.jobtrace.jobs",
                method,
                interval,
                times,
                job + " jobtrace " + interval);
          }
        }
      }
    }

    System.out.println();
    System.out.println(
        "| job | agent | sampling interval | median job wall time (ms) | vs upstream agent |");
    System.out.println("|---|---|---|---|---|");
    System.out.println("JVM: " + System.getProperty("java.vm.vendor") + " " + Runtime.version());
    for (String job : jobs) {
      double base = median(times.get(job + " upstream"));
      System.out.printf("| %s | upstream 2.33.1 | - | %.0f | 1.000 |%n", job, base);
      for (String interval : intervals) {
        double m = median(times.get(job + " jobtrace " + interval));
        System.out.printf("| %s | jobtrace | %s | %.0f | %.3f |%n", job, interval, m, m / base);
      }
    }
    System.out.println();
    System.out.printf(
        "Snippet build for a 10 s span (1,000 samples, 300 distinct stacks of depth 40): median"
            + " %.2f ms over 200 builds with its timeline, %.2f ms without%n",
        BenchAccess.snippetBuildMillis(1000, 300, 40, 200, true),
        BenchAccess.snippetBuildMillis(1000, 300, 40, 200, false));
  }

  static void run(
      Servers servers,
      String agentJar,
      String job,
      int reps,
      String jobsKey,
      String method,
      String interval,
      Map<String, List<Long>> times,
      String arm)
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(BenchJobsApp.class, receiver))
              .agentJar(agentJar)
              .set(jobsKey, method)
              .arg(job)
              .arg(Integer.toString(reps));
      if (NO_LOCK_WAITS.equals(interval)) {
        app.set("otel.jobtrace.profiler.interval", "10ms");
        app.set("otel.jobtrace.profiler.lock-waits", "false");
      } else if (NO_TIMELINE.equals(interval)) {
        app.set("otel.jobtrace.profiler.interval", "10ms");
        app.set("otel.jobtrace.profile.timeline.max-runs", "0");
      } else if (interval != null) {
        app.set("otel.jobtrace.profiler.interval", interval);
      }
      AgentProcess.Result result = app.run(600);
      List<Long> list = times.computeIfAbsent(arm, k -> new ArrayList<>());
      result
          .output
          .lines()
          .filter(l -> l.startsWith("job-ms "))
          .forEach(l -> list.add(Long.parseLong(l.substring(7))));
      System.err.println(arm + ": " + list);
    }
  }

  static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
