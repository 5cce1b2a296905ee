package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jobtrace.it.apps.ProfiledJobsApp;
import dev.jobtrace.it.apps.ReturningMainApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Snippets;
import dev.jobtrace.testing.WithServers;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Slow spans carry what async-profiler saw on the threads that worked for them. */
class ProfileSnippetsIT extends WithServers {

  static final String JOBS =
      "dev.jobtrace.it.apps.ProfiledJobsApp$MixedWorkJob[run];"
          + "dev.jobtrace.it.apps.ProfiledJobsApp$HandOffJob[runAlpha,runBeta];"
          + "dev.jobtrace.it.apps.ProfiledJobsApp$SlowCallsJob[run];"
          + "dev.jobtrace.it.apps.ProfiledJobsApp$ParallelJob[run]";

  static List<ExportedSpan> run(String scenario, String... settings) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess app =
          servers
              .configure(AgentProcess.of(ProfiledJobsApp.class, receiver))
              .set("otel.jobtrace.jobs", JOBS)
              .arg(scenario);
      for (int i = 0; i < settings.length; i += 2) {
        app.set(settings[i], settings[i + 1]);
      }
      AgentProcess.Result result = app.run(180);
      assertThat(result.output).contains("done " + scenario);
      return receiver.spans();
    }
  }

  static ExportedSpan job(List<ExportedSpan> spans, String nameSuffix) {
    return JobRunrJobSpansIT.only(
        spans.stream()
            .filter(
                s ->
                    s.attr("jobtrace.job.name") != null
                        && s.attr("jobtrace.job.name").endsWith(nameSuffix))
            .collect(Collectors.toList()),
        nameSuffix);
  }

  @Test
  void snippetSplitsTheJobBetweenComputingAndBlockingAsItRan() throws Exception {
    ExportedSpan job = job(run("mixed"), "MixedWorkJob.run");
    assertThat(job.attr("jobtrace.profile.error")).isNull();
    assertThat(job.attr("jobtrace.profile.id")).isEqualTo(job.traceId() + "-" + job.spanId());
    Map<String, Long> stacks = Snippets.folded(job);
    System.out.println(
        "mixed: samples="
            + Snippets.total(stacks)
            + " compute="
            + Snippets.percent(stacks, "computeHot")
            + "% blocked="
            + Snippets.percent(stacks, "waitBlocked")
            + "% hot="
            + job.attr("jobtrace.profile.hot"));
    assertThat(job.longAttr("jobtrace.profile.samples")).isEqualTo(Snippets.total(stacks));
    assertThat(job.attr("jobtrace.keep").split(",")).contains("slow");
    assertThat(Snippets.percent(stacks, "MixedWorkJob.computeHot")).isCloseTo(70.0, within(10.0));
    assertThat(Snippets.percent(stacks, "MixedWorkJob.waitBlocked")).isCloseTo(30.0, within(10.0));
    assertThat(job.attr("jobtrace.profile.hot"))
        .matches(
            "[^,]+ \\d+%( \\((waiting in|in) [^)]+\\))?(, [^,]+ \\d+%( \\((waiting in|in) [^)]+\\))?)*");
  }

  @Test
  void aJobEndingAsMainReturnsKeepsItsLastSamples() throws Exception {
    // The launcher's main thread leaves under another name when main returns; the samples of its
    // last stretch, read at shutdown, are the job's all the same. No reading before shutdown (the
    // flush interval is longer than the run), so all of the job's samples come from that one.
    List<ExportedSpan> spans;
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of(ReturningMainApp.class, receiver)
              .set("otel.jobtrace.jobs", "dev.jobtrace.it.apps.ReturningMainApp$RunOnceJob[run]")
              .set("otel.jobtrace.profile.flush-interval", "60s")
              .run(120);
      assertThat(result.output).contains("done");
      spans = receiver.spans();
    }
    ExportedSpan job = job(spans, "RunOnceJob.run");
    assertThat(job.attr("jobtrace.profile.error")).isNull();
    Map<String, Long> stacks = Snippets.folded(job);
    System.out.println(
        "returning main: samples="
            + Snippets.total(stacks)
            + " import="
            + Snippets.percent(stacks, "RunOnceJob.importRows")
            + "% finish="
            + Snippets.percent(stacks, "RunOnceJob.finishUp")
            + "%");
    assertThat(Snippets.percent(stacks, "RunOnceJob.importRows")).isCloseTo(71.0, within(10.0));
    assertThat(Snippets.percent(stacks, "RunOnceJob.finishUp")).isCloseTo(29.0, within(10.0));
  }

  @Test
  void poolWorkLandsOnTheJobThatHandedItOverAndNeverOnTheOther() throws Exception {
    List<ExportedSpan> spans = run("handoff");
    ExportedSpan alpha = job(spans, "HandOffJob.runAlpha");
    ExportedSpan beta = job(spans, "HandOffJob.runBeta");
    Map<String, Long> a = Snippets.folded(alpha);
    Map<String, Long> b = Snippets.folded(beta);
    long expectedPoolSamples = 1500 / 10;
    System.out.println(
        "handoff: alpha total="
            + Snippets.total(a)
            + " hotAlpha="
            + Snippets.containing(a, "hotAlpha")
            + " hotBeta="
            + Snippets.containing(a, "hotBeta")
            + " | beta total="
            + Snippets.total(b)
            + " hotBeta="
            + Snippets.containing(b, "hotBeta")
            + " hotAlpha="
            + Snippets.containing(b, "hotAlpha"));
    // The pool thread computes while the job thread waits for it, for the same 1.5 s: the job's
    // profile holds about as many samples of the pool's work as of its own thread's wait (of about
    // 300 samples, 149 of the pool's work on an idle machine, 122 on a loaded one). Compared with
    // each other, not with the interval, since a loaded machine takes fewer samples of both.
    long alphaWaits = Snippets.containing(a, "HandOffJob.runAlpha");
    long betaWaits = Snippets.containing(b, "HandOffJob.runBeta");
    assertThat(Snippets.containing(a, "HandOffJob.hotAlpha"))
        .isGreaterThanOrEqualTo(alphaWaits / 2)
        .isGreaterThanOrEqualTo(expectedPoolSamples / 5);
    assertThat(Snippets.containing(b, "HandOffJob.hotBeta"))
        .isGreaterThanOrEqualTo(betaWaits / 2)
        .isGreaterThanOrEqualTo(expectedPoolSamples / 5);
    assertThat(Snippets.percent(a, "hotBeta")).isLessThan(5.0);
    assertThat(Snippets.percent(b, "hotAlpha")).isLessThan(5.0);
  }

  @Test
  void parallelStreamWorkLandsOnTheJob() throws Exception {
    ExportedSpan job = job(run("parallel"), "ParallelJob.run");
    Map<String, Long> stacks = Snippets.folded(job);
    // 8 parts of 400 ms on 2 cores: about 1.6 s of crunching per thread, on the job thread and
    // the common pool's workers; all of it is the job's.
    long crunch = Snippets.containing(stacks, "ParallelJob.crunch");
    long onWorkers =
        stacks.entrySet().stream()
            .filter(
                e ->
                    e.getKey().contains("ForkJoinWorkerThread.run")
                        && e.getKey().contains("ParallelJob.crunch"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    System.out.println(
        "parallel: samples="
            + Snippets.total(stacks)
            + " crunch="
            + crunch
            + " onWorkers="
            + onWorkers);
    assertThat(onWorkers)
        .as("crunching samples from the common pool's workers")
        .isGreaterThanOrEqualTo(100L);
    assertThat(crunch).isGreaterThanOrEqualTo(250L);
  }

  @Test
  void tooFewSamplesIsNamedOnTheSpan() throws Exception {
    List<ExportedSpan> spans = run("mixed", "otel.jobtrace.profile.min-samples", "100000");
    assertThat(job(spans, "MixedWorkJob.run").attr("jobtrace.profile.error"))
        .startsWith("too few samples: ");
  }

  @Test
  void slowStatementAndSlowHttpCallGetSnippetsOfTheirOwnFastOnesNone() throws Exception {
    List<ExportedSpan> spans = run("slowcalls");
    ExportedSpan job = job(spans, "SlowCallsJob.run");
    List<ExportedSpan> children =
        spans.stream()
            .filter(s -> s.traceId().equals(job.traceId()) && s != job)
            .collect(Collectors.toList());
    ExportedSpan sleep =
        JobRunrJobSpansIT.only(
            children.stream()
                .filter(
                    s ->
                        "select pg_sleep(?)".equals(s.attr("db.statement"))
                            || "select pg_sleep(?)".equals(s.attr("db.query.text")))
                .collect(Collectors.toList()),
            "pg_sleep span");
    ExportedSpan http =
        JobRunrJobSpansIT.only(
            children.stream()
                .filter(s -> s.scope.contains("http-client"))
                .collect(Collectors.toList()),
            "http span");
    List<ExportedSpan> fast =
        children.stream().filter(s -> s.durationMillis() < 500).collect(Collectors.toList());
    System.out.println(
        "slowcalls: sql="
            + sleep.attr("jobtrace.profile.hot")
            + " / "
            + sleep.attr("jobtrace.profile.error")
            + " http="
            + http.attr("jobtrace.profile.hot")
            + " / "
            + http.attr("jobtrace.profile.error"));

    for (ExportedSpan slow : List.of(job, sleep, http)) {
      assertThat(slow.attr("jobtrace.profile.id"))
          .as(slow.name())
          .isEqualTo(slow.traceId() + "-" + slow.spanId());
      assertThat(slow.longAttr("jobtrace.profile.samples"))
          .as(slow.name())
          .isGreaterThanOrEqualTo(10L);
    }
    // The job's snippet holds its children's samples too.
    assertThat(job.longAttr("jobtrace.profile.samples"))
        .isGreaterThanOrEqualTo(
            sleep.longAttr("jobtrace.profile.samples") + http.longAttr("jobtrace.profile.samples"));
    assertThat(fast).isNotEmpty();
    for (ExportedSpan f : fast) {
      assertThat(f.attr("jobtrace.profile.id")).as(f.name()).isNull();
      assertThat(f.attr("jobtrace.profile.error")).as(f.name()).isNull();
      assertThat(Snippets.encoded(f)).as(f.name()).isNull();
    }
  }

  @Test
  void withoutALoadableProfilerJobsRunAndSlowSpansSayWhy() throws Exception {
    List<ExportedSpan> spans =
        run("mixed", "one.profiler.extractPath", "/proc/jobtrace-unwritable");
    ExportedSpan job = job(spans, "MixedWorkJob.run");
    assertThat(job.attr("jobtrace.profile.error")).startsWith("profiler unavailable: ");
    assertThat(job.attr("jobtrace.profile.id")).isNull();
    assertThat(Snippets.encoded(job)).isNull();
  }

  @Test
  void disabledProfilerIsNamedOnSlowSpans() throws Exception {
    List<ExportedSpan> spans = run("mixed", "otel.jobtrace.profiler.enabled", "false");
    assertThat(job(spans, "MixedWorkJob.run").attr("jobtrace.profile.error"))
        .isEqualTo("profiler disabled (otel.jobtrace.profiler.enabled=false)");
  }
}
