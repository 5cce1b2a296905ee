package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.OutageJobsApp;
import dev.jobtrace.it.apps.ReturningMainApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Snippets;
import dev.jobtrace.testing.WithServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the built agent, jobs on three threads for 100 s exporting OTLP to a receiver that goes
 * down at 20 s and comes back at 80 s: the job spans of the outage arrive once it is back, with
 * their analysis and profiles; other spans are shed first past the buffer's bound; the heap stays
 * bounded with the buffer full; the outage and the recovery are logged once each.
 */
class ExportOutageIT extends WithServers {

  static final int MAX_SPANS = 20_000;

  @Test
  void jobSpansOfAMinuteWithTheBackendDownArriveOnceItIsBack() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(OutageJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.OutageJobsApp$OutageJob[run]")
              // Every GET its own span: the other spans the buffer may shed.
              .set("otel.jobtrace.compression.enabled", "false")
              .set("otel.jobtrace.export.buffer.max-spans", Integer.toString(MAX_SPANS))
              .jvmArg("-Xmx256m")
              .arg("100");
      String output;
      int jobs;
      try (AgentProcess.Running running = app.start()) {
        running.awaitOutput("t=20s", 180);
        receiver.stop();
        running.awaitOutput("t=80s", 180);
        receiver.restart();
        running.awaitOutput("jobs done: ", 180);
        jobs = count("jobs done: (\\d+)", running.output());
        awaitJobSpans(receiver, jobs, 120);
        output = running.output();
      }
      List<ExportedSpan> arrived = jobSpans(receiver);
      Map<Integer, Long> heap = heapBySecond(output);
      System.out.println(
          "export outage: jobs="
              + jobs
              + " job spans arrived="
              + arrived.size()
              + " spans="
              + receiver.spans().size()
              + " heap-mb by second="
              + heap);
      output.lines().filter(l -> l.contains("jobtrace: span export")).forEach(System.out::println);

      assertThat(jobs).as("jobs ran while the backend was down too").isGreaterThan(1_500);
      assertThat(arrived.size())
          .as("job spans that arrived")
          .isGreaterThanOrEqualTo(jobs * 99 / 100);
      for (ExportedSpan job : arrived) {
        assertThat(job.longAttr("jobtrace.calls.redis")).as("its analysis").isEqualTo(20L);
      }
      List<ExportedSpan> slow =
          arrived.stream().filter(j -> j.durationMillis() >= 600).collect(Collectors.toList());
      assertThat(slow.size()).isGreaterThanOrEqualTo(jobs / 25 * 99 / 100);
      for (ExportedSpan job : slow) {
        assertThat(job.attr("jobtrace.profile.id")).as("a slow job's profile").isNotNull();
        assertThat(
                job.span.getEventsList().stream()
                    .anyMatch(e -> e.getName().equals("jobtrace.profile")))
            .as("its snippet")
            .isTrue();
      }
      assertThat(
              output
                  .lines()
                  .filter(l -> l.contains("jobtrace: span export") && l.contains("failing")))
          .hasSize(1);
      List<String> recovered =
          output
              .lines()
              .filter(l -> l.contains("jobtrace: span export") && l.contains("recovered"))
              .collect(Collectors.toList());
      assertThat(recovered).hasSize(1);
      Matcher shed =
          Pattern.compile("(\\d+) other spans and (\\d+) worth keeping were shed")
              .matcher(recovered.get(0));
      assertThat(shed.find()).isTrue();
      assertThat(Long.parseLong(shed.group(1)))
          .as("a minute of GETs is more than the buffer holds: other spans were shed")
          .isPositive();
      assertThat(Long.parseLong(shed.group(2))).isZero();
      // With the buffer full, the heap stays where the buffer's bound puts it.
      long before = heap.get(20);
      long during =
          heap.entrySet().stream()
              .filter(e -> e.getKey() > 20 && e.getKey() <= 80)
              .mapToLong(Map.Entry::getValue)
              .max()
              .orElseThrow();
      assertThat(during)
          .as("heap in use after a collection during the outage, MiB")
          .isLessThan(before + 64);
    }
  }

  @Test
  void withTwoExportersOneBackendDownHoldsOnlyItsOwnSpans() throws Exception {
    // OTLP and the console: the OTLP receiver is down from 5 s to 25 s of a 40 s run.
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(OutageJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.OutageJobsApp$OutageJob[run]")
              .set("otel.traces.exporter", "otlp,console")
              .arg("40");
      try (AgentProcess.Running running = app.start()) {
        running.awaitOutput("t=5s", 180);
        receiver.stop();
        running.awaitOutput("t=25s", 180);
        String atRecovery = running.output();
        receiver.restart();
        running.awaitOutput("jobs done: ", 180);
        int jobs = count("jobs done: (\\d+)", running.output());
        awaitJobSpans(receiver, jobs, 120);
        String output = running.output();

        // The console printed the outage's jobs as they ended, not after it: every job run by
        // 20 s, while the OTLP backend was still down.
        int by20 = count("t=20s jobs=(\\d+)", atRecovery);
        System.out.println(
            "two exporters: jobs="
                + jobs
                + " run by 20 s="
                + by20
                + " on the console by 25 s="
                + consoleJobLines(atRecovery)
                + " over OTLP="
                + jobSpans(receiver).size());
        assertThat(consoleJobLines(atRecovery))
            .as("job spans on the console by 25 s, of %d jobs run by 20 s", by20)
            .isGreaterThanOrEqualTo(by20);
        assertThat(consoleJobLines(output)).as("each job once on the console").isEqualTo(jobs);
        assertThat(jobSpans(receiver)).as("and each over OTLP, after the outage").hasSize(jobs);
        assertThat(output.lines().filter(l -> l.contains("jobtrace: span export")))
            .as("only the OTLP exporter failed and recovered")
            .hasSize(2)
            .allMatch(l -> l.contains("(OtlpHttpSpanExporter)"));
      }
    }
  }

  static int count(String pattern, String output) {
    Matcher m = Pattern.compile(pattern).matcher(output);
    assertThat(m.find()).as(pattern).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The console exporter's lines for job spans: {@code 'OutageJob.run' : <trace id> ...}. */
  static long consoleJobLines(String output) {
    return output
        .lines()
        .filter(l -> l.contains("LoggingSpanExporter - 'OutageJob.run' : "))
        .count();
  }

  @Test
  void spansHeldAtShutdownWaitOnDiskAndTheNextStartDeliversThemOnce(@TempDir Path dir)
      throws Exception {
    // A run-once worker: its job ends, main returns, the JVM exits while the backend is down.
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      receiver.stop();
      String first = runOnce(receiver, dir, "run-once-1");
      assertThat(first.lines().filter(l -> l.contains("for the next start to deliver")))
          .as("the shutdown's line")
          .singleElement()
          .asString()
          .containsPattern("[1-9]\\d* held spans written to .*, 0 not kept");

      receiver.restart();
      String second = runOnce(receiver, dir, "run-once-2");
      first.lines().filter(l -> l.contains("jobtrace: span export")).forEach(System.out::println);
      second.lines().filter(l -> l.contains("jobtrace: span export")).forEach(System.out::println);
      assertThat(second.lines().filter(l -> l.contains("an earlier shutdown left in")))
          .as("the next start's line")
          .hasSize(1);
      awaitJobSpans(receiver, 2, 60);
      // And a third start finds nothing left to deliver twice.
      runOnce(receiver, dir, "run-once-3");
      List<ExportedSpan> jobs = awaitJobSpans(receiver, 3, 60);
      // Every job span received, copies included (each run delivers all it has before it exits).
      assertThat(
              receiver.spans().stream()
                  .filter(s -> s.attr("jobtrace.job.name") != null)
                  .map(s -> s.service))
          .containsExactlyInAnyOrder("run-once-1", "run-once-2", "run-once-3");
      ExportedSpan held =
          jobs.stream().filter(j -> j.service.equals("run-once-1")).findFirst().get();
      assertThat(held.attr("jobtrace.profile.id")).as("the held job's profile").isNotNull();
      assertThat(Snippets.percent(Snippets.folded(held), "RunOnceJob.finishUp"))
          .as("its snippet, to the job's last stretch")
          .isPositive();
    }
  }

  static String runOnce(OtlpReceiver receiver, Path dir, String service) throws Exception {
    AgentProcess.Result result =
        AgentProcess.of(ReturningMainApp.class, receiver)
            .set("otel.service.name", service)
            .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.ReturningMainApp$RunOnceJob[run]")
            .set("otel.jobtrace.export.buffer.dir", dir.toString())
            .run(120);
    assertThat(result.output).contains("done");
    return result.output;
  }

  /** The job spans received, once there are {@code count} (or the seconds have passed). */
  static List<ExportedSpan> awaitJobSpans(OtlpReceiver receiver, int count, long seconds)
      throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (jobSpans(receiver).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    return jobSpans(receiver);
  }

  static List<ExportedSpan> jobSpans(OtlpReceiver receiver) {
    Map<String, ExportedSpan> byId = new TreeMap<>();
    for (ExportedSpan s : receiver.spans()) {
      if (s.attr("jobtrace.job.name") != null) {
        byId.put(s.spanId(), s);
      }
    }
    return new ArrayList<>(byId.values());
  }

  static Map<Integer, Long> heapBySecond(String output) {
    Map<Integer, Long> heap = new TreeMap<>();
    Matcher m = Pattern.compile("t=(\\d+)s jobs=\\d+ heap-mb=(\\d+)").matcher(output);
    while (m.find()) {
      heap.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }
    return heap;
  }
}
