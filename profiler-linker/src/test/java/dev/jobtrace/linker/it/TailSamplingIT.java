package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.LocalJaeger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everySlowJobIsKeptWithItsProfileAndAShareOfTheRest() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    try (LocalJaeger jaeger =
        LocalJaeger.builder(repo)
            .overlay(
                "profiler-linker/jaeger/tail-sampling.yaml",
                Map.of(
                    "JOBTRACE_DECISION_WAIT",
                    "10s",
                    "JOBTRACE_KEEP_PERCENT",
                    Integer.toString(KEEP_PERCENT)))
            .start()) {
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

  static long millis(JsonNode span) {
    return (Long.parseLong(span.path("endTimeUnixNano").asText())
            - Long.parseLong(span.path("startTimeUnixNano").asText()))
        / 1_000_000;
  }

  /** The service's job spans in Jaeger, once the last run is among them. */
  static List<JsonNode> awaitJobs(LocalJaeger jaeger) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r =
          LinkerIT.get(LinkerIT.tracesUrl(jaeger, SERVICE, Duration.ofSeconds(600), 500));
      List<JsonNode> jobs = new ArrayList<>();
      if (r.statusCode() == 200) {
        for (JsonNode rs : JSON.readTree(r.body()).path("result").path("resourceSpans")) {
          for (JsonNode ss : rs.path("scopeSpans")) {
            for (JsonNode span : ss.path("spans")) {
              if (LinkerIT.attr(span, "jobtrace.job.name") != null) {
                jobs.add(span);
              }
            }
          }
        }
      }
      if (jobs.stream().anyMatch(j -> LinkerIT.attr(j, "jobtrace.job.name").endsWith(".last"))) {
        return jobs;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the last run of " + SERVICE + " never reached Jaeger");
  }
}
