package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobtrace.it.apps.VirtualThreadJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OneFileApp;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.Snippets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Work on virtual threads is profiled as true as work on platform threads: samples follow the
 * virtual thread from carrier to carrier, parked time shows its waiting stack, and no job gets
 * samples of another job that ran on the same carrier. Runs on JDK 21 and newer.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadProfilesIT {

  static final String JOBS =
      "dev.jobtrace.it.apps.VirtualThreadJobsApp$ComputeThenParkJob[run];"
          + "dev.jobtrace.it.apps.VirtualThreadJobsApp$SharedExecutorJob[runAlpha,runBeta];"
          + "dev.jobtrace.it.apps.VirtualThreadJobsApp$HandshakeJob[produce,consume]";

  static List<ExportedSpan> run(String scenario) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of(VirtualThreadJobsApp.class, receiver)
              .set("otel.jobtrace.jobs", JOBS)
              .arg(scenario)
              .run(180);
      assertThat(result.output)
          .contains("done " + scenario)
          .doesNotContain("virtual threads are not followed");
      return receiver.spans();
    }
  }

  @Test
  void aVirtualThreadJobShowsItsComputingAndItsParkedTime() throws Exception {
    ExportedSpan job = ProfileSnippetsIT.job(run("compute-then-park"), "ComputeThenParkJob.run");
    assertThat(job.attr("jobtrace.profile.error")).isNull();
    Map<String, Long> stacks = Snippets.folded(job);
    double computing = Snippets.percent(stacks, "ComputeThenParkJob.computeHot");
    double parked = Snippets.percent(stacks, "ComputeThenParkJob.parkedInSleep");
    System.out.println(
        "compute-then-park: samples="
            + Snippets.total(stacks)
            + " compute="
            + computing
            + "% parked="
            + parked
            + "% hot="
            + job.attr("jobtrace.profile.hot"));
    // 1.5 s at one sample per 10 ms, as a platform thread would get.
    assertThat(Snippets.total(stacks)).isBetween(120L, 170L);
    assertThat(computing).isCloseTo(80.0, within(10.0));
    assertThat(parked).isCloseTo(20.0, within(10.0));
  }

  @Test
  void jobsSharingAVirtualThreadExecutorGetNoneOfEachOthersSamples() throws Exception {
    List<ExportedSpan> spans = run("shared-executor");
    Map<String, Long> a =
        Snippets.folded(ProfileSnippetsIT.job(spans, "SharedExecutorJob.runAlpha"));
    Map<String, Long> b =
        Snippets.folded(ProfileSnippetsIT.job(spans, "SharedExecutorJob.runBeta"));
    System.out.println(
        "shared-executor: alpha hotAlpha="
            + Snippets.containing(a, "hotAlpha")
            + " hotBeta="
            + Snippets.containing(a, "hotBeta")
            + " | beta hotBeta="
            + Snippets.containing(b, "hotBeta")
            + " hotAlpha="
            + Snippets.containing(b, "hotAlpha"));
    assertThat(Snippets.containing(a, "SharedExecutorJob.hotAlpha")).isGreaterThanOrEqualTo(100L);
    assertThat(Snippets.containing(b, "SharedExecutorJob.hotBeta")).isGreaterThanOrEqualTo(100L);
    assertThat(Snippets.containing(a, "hotBeta")).isZero();
    assertThat(Snippets.containing(b, "hotAlpha")).isZero();
  }

  @Test
  void aJobCompletingAnothersFutureKeepsItsOwnSamples() throws Exception {
    List<ExportedSpan> spans = run("handshake");
    Map<String, Long> producer =
        Snippets.folded(ProfileSnippetsIT.job(spans, "HandshakeJob.produce"));
    Map<String, Long> consumer =
        Snippets.folded(ProfileSnippetsIT.job(spans, "HandshakeJob.consume"));
    System.out.println(
        "handshake: producer total="
            + Snippets.total(producer)
            + " consumerHot="
            + Snippets.containing(producer, "consumerHot")
            + " | consumer total="
            + Snippets.total(consumer)
            + " consumerHot="
            + Snippets.containing(consumer, "consumerHot")
            + " awaiting="
            + Snippets.containing(consumer, "awaitProducer"));
    assertThat(Snippets.containing(producer, "consumerHot")).isZero();
    assertThat(Snippets.containing(consumer, "producerHot")).isZero();
    assertThat(Snippets.containing(consumer, "HandshakeJob.consumerHot"))
        .isGreaterThanOrEqualTo(45L);
    // The consumer waited 1.2 s for the producer, parked: that wait is in its profile.
    assertThat(Snippets.containing(consumer, "HandshakeJob.awaitProducer"))
        .isGreaterThanOrEqualTo(90L);
  }

  @Test
  void structuredTaskWorkLandsOnTheJobThatForkedIt() throws Exception {
    // StructuredTaskScope is a preview API whose shape changes between JDKs: this is JDK 25's.
    assumeTrue(
        Runtime.version().feature() == 25, "StructuredTaskScope.open() is JDK 25's preview API");
    String app =
        OneFileApp.compile(
            "StructuredJob",
            "import java.util.concurrent.StructuredTaskScope;\n"
                + "public class StructuredJob {\n"
                + "  static volatile double sink;\n"
                + "  static void forkedHot() { long end = System.nanoTime() + 1_200_000_000L; double x = sink;\n"
                + "    while (System.nanoTime() < end) { x += Math.sqrt(x + 1); } sink = x; }\n"
                + "  public void run() throws Exception {\n"
                + "    try (var scope = StructuredTaskScope.open()) { scope.fork(() -> { forkedHot(); return null; }); scope.join(); }\n"
                + "  }\n"
                + "  public static void main(String[] args) throws Exception { new StructuredJob().run(); System.out.println(\"done structured\"); }\n"
                + "}\n",
            "--release",
            "25",
            "--enable-preview");
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of("StructuredJob", receiver)
              .classPath(app)
              .set("otel.jobtrace.jobs", "StructuredJob[run]")
              .jvmArg("--enable-preview")
              .run(180);
      assertThat(result.output).contains("done structured");
      ExportedSpan job = ProfileSnippetsIT.job(receiver.spans(), "StructuredJob.run");
      Map<String, Long> stacks = Snippets.folded(job);
      System.out.println(
          "structured: samples="
              + Snippets.total(stacks)
              + " forkedHot="
              + Snippets.containing(stacks, "forkedHot"));
      // 1.2 s of work in the forked subtask's virtual thread, at one sample per 10 ms.
      assertThat(Snippets.containing(stacks, "StructuredJob.forkedHot"))
          .isGreaterThanOrEqualTo(80L);
    }
  }
}
