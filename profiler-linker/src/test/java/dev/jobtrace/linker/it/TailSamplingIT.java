package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.LocalJaeger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Jaeger v2 with the repository's tail-sampling policy laid over its configuration: of 100 job runs
 * of which 10 are slow, every slow trace is kept (its job span says {@code jobtrace.keep=slow})
 * with a profile the linker opens, and about the configured share of the others.
 */
class TailSamplingIT {

  static final String SERVICE = "sampled-worker";
  static final int KEEP_PERCENT = 20;

  @Test
  void everySlowJobIsKeptWithItsProfileAndAShareOfTheRest() throws Exception {
    try (LocalJaeger jaeger = sampling("10s", KEEP_PERCENT)) {
      LinkerIT.worker(
              jaeger,
              SERVICE,
              SampledWorker.class,
              "dev.jobtrace.linker.it.SampledWorker$ImportJob[run,last]")
          .set("otel.bsp.schedule.delay", "500")
          .run(180);
      // The last run reached the sampler last: once it is stored, every run before it is decided.
      List<JsonNode> jobs = awaitJobs(jaeger);
      List<JsonNode> runs =
          jobs.stream()
              .filter(j -> LinkerIT.attr(j, "jobtrace.job.name").endsWith(".run"))
              .collect(Collectors.toList());
      List<JsonNode> slow =
          runs.stream().filter(j -> millis(j) >= 600).collect(Collectors.toList());
      List<JsonNode> fast = runs.stream().filter(j -> millis(j) < 600).collect(Collectors.toList());
      System.out.println(
          "tail sampling: kept "
              + slow.size()
              + " of 10 slow runs and "
              + fast.size()
              + " of 90 others at "
              + KEEP_PERCENT
              + "%");
      assertThat(slow).as("every slow run").hasSize(SampledWorker.RUNS / SampledWorker.SLOW_EVERY);
      try (LinkerServer linker =
          new LinkerServer(TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(5)))) {
        for (JsonNode job : slow) {
          assertThat(LinkerIT.attr(job, "jobtrace.keep").split(",")).contains("slow");
          String profile = LinkerIT.attr(job, "jobtrace.profile.id");
          assertThat(profile).as("a slow run's profile").isNotNull();
          HttpResponse<String> page =
              LinkerIT.get("http://127.0.0.1:" + linker.port() + "/profiles/" + profile);
          assertThat(page.statusCode()).as("its profile page").isEqualTo(200);
        }
      }
      // 20% of 90: 18 expected; below 5 or above 40 is beyond any chance.
      assertThat(fast.size()).as("others kept").isBetween(5, 40);
      for (JsonNode job : fast) {
        assertThat(LinkerIT.attr(job, "jobtrace.keep")).isNull();
      }
    }
  }

  /**
   * A job running far longer than the decision wait: its calls reach the sampler first, and the
   * trace is decided before its job span arrives. With its keep marker the trace is kept whole;
   * without it (mark-after 0) the early decision drops the trace, job span and all.
   */
  @Test
  void aJobRunningLongerThanTheDecisionWaitIsKeptWholeByItsMarker() throws Exception {
    try (LocalJaeger jaeger = sampling("6s", 0)) {
      String job = "dev.jobtrace.linker.it.LongJobWorker$ReportJob[run,last]";
      LinkerIT.worker(jaeger, "long-job-marked", LongJobWorker.class, job)
          .set("otel.bsp.schedule.delay", "500")
          .set("otel.jobtrace.keep.mark-after", "2s")
          .run(120);
      LinkerIT.worker(jaeger, "long-job-unmarked", LongJobWorker.class, job)
          .set("otel.bsp.schedule.delay", "500")
          .set("otel.jobtrace.keep.mark-after", "0")
          .run(120);

      Map<String, List<JsonNode>> marked = longRunTraces(jaeger, "long-job-marked");
      assertThat(marked).as("the long run's trace").hasSize(1);
      List<JsonNode> trace = marked.values().iterator().next();
      JsonNode jobSpan = trace.stream().filter(s -> isRun(s)).findFirst().orElseThrow();
      List<JsonNode> markers =
          trace.stream()
              .filter(s -> s.path("name").asText().equals("job still running"))
              .collect(Collectors.toList());
      assertThat(markers).as("one keep marker").hasSize(1);
      System.out.println(
          "long job, marked: "
              + trace.size()
              + " spans kept, marked at "
              + intAttr(markers.get(0), "jobtrace.keep.running_ms")
              + " ms of "
              + millis(jobSpan)
              + " ms");
      assertThat(markers.get(0).path("parentSpanId").asText())
          .isEqualTo(jobSpan.path("spanId").asText());
      assertThat(LinkerIT.attr(markers.get(0), "jobtrace.keep")).isEqualTo("slow");
      assertThat(LinkerIT.attr(jobSpan, "jobtrace.keep")).contains("slow");
      // The job span, its marker, and a client and a server span of every call.
      assertThat(trace).as("the whole trace").hasSize(2 + 2 * LongJobWorker.CALLS);

      Map<String, List<JsonNode>> unmarked = longRunTraces(jaeger, "long-job-unmarked");
      int kept = unmarked.values().stream().mapToInt(List::size).sum();
      System.out.println("long job, unmarked: " + kept + " spans kept");
      assertThat(kept).as("spans of the unmarked long run").isLessThan(1 + 2 * LongJobWorker.CALLS);
    }
  }

  static long intAttr(JsonNode span, String key) {
    for (JsonNode kv : span.path("attributes")) {
      if (kv.path("key").asText().equals(key)) {
        return Long.parseLong(kv.path("value").path("intValue").asText());
      }
    }
    throw new AssertionError("no " + key + " on " + span.path("name").asText());
  }

  /** The Jaeger the tests build, with the repository's tail-sampling policy laid over it. */
  static LocalJaeger sampling(String decisionWait, int keepPercent) throws Exception {
    return LocalJaeger.builder(Path.of(System.getProperty("jobtrace.repo.dir", "..")))
        .overlay(
            "profiler-linker/jaeger/tail-sampling.yaml",
            Map.of(
                "JOBTRACE_DECISION_WAIT",
                decisionWait,
                "JOBTRACE_KEEP_PERCENT",
                Integer.toString(keepPercent)))
        .start();
  }

  static boolean isRun(JsonNode span) {
    String name = LinkerIT.attr(span, "jobtrace.job.name");
    return name != null && name.endsWith(".run");
  }

  /**
   * The service's traces other than its last run's, by trace id, once the last run is stored: it
   * reached the sampler after the long run's job span, so the long run's spans are all decided.
   */
  static Map<String, List<JsonNode>> longRunTraces(LocalJaeger jaeger, String service)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      Map<String, List<JsonNode>> traces = traces(jaeger, service);
      String last = null;
      for (Map.Entry<String, List<JsonNode>> t : traces.entrySet()) {
        for (JsonNode span : t.getValue()) {
          String name = LinkerIT.attr(span, "jobtrace.job.name");
          if (name != null && name.endsWith(".last")) {
            last = t.getKey();
          }
        }
      }
      if (last != null) {
        traces.remove(last);
        return traces;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the last run of " + service + " never reached Jaeger");
  }

  /** Every span Jaeger holds of the service's recent traces, by trace id. */
  static Map<String, List<JsonNode>> traces(LocalJaeger jaeger, String service) throws Exception {
    Map<String, List<JsonNode>> traces = new LinkedHashMap<>();
    HttpResponse<String> r =
        LinkerIT.get(LinkerIT.tracesUrl(jaeger, service, Duration.ofSeconds(600), 500));
    if (r.statusCode() == 200) {
      for (JsonNode span : LinkerIT.spans(r.body())) {
        traces.computeIfAbsent(span.path("traceId").asText(), k -> new ArrayList<>()).add(span);
      }
    }
    return traces;
  }

  static long millis(JsonNode span) {
    return (Long.parseLong(span.path("endTimeUnixNano").asText())
            - Long.parseLong(span.path("startTimeUnixNano").asText()))
        / 1_000_000;
  }

  /** The service's job spans in Jaeger, once the last run is among them. */
  static List<JsonNode> awaitJobs(LocalJaeger jaeger) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      List<JsonNode> jobs =
          traces(jaeger, SERVICE).values().stream()
              .flatMap(List::stream)
              .filter(span -> LinkerIT.attr(span, "jobtrace.job.name") != null)
              .collect(Collectors.toList());
      if (jobs.stream().anyMatch(j -> LinkerIT.attr(j, "jobtrace.job.name").endsWith(".last"))) {
        return jobs;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the last run of " + SERVICE + " never reached Jaeger");
  }
}
