package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.LocalCollector;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalOpenSearch;
import dev.jobtrace.testing.Ports;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The production topology of docker-compose.prod.yml as local processes: workers → the gateway
 * (profiler-linker/collector/gateway.yaml) → two Jaeger collectors, each tail sampling
 * (tail-sampling.yaml) into one OpenSearch node (opensearch.yaml) → a Jaeger that only queries →
 * two linkers. Every slow job is kept whole with a profile both linkers open, whichever collector
 * decided it; with both collectors down, and the gateway restarted meanwhile, the jobs of the
 * outage wait in the gateway's queue on disk and arrive when the collectors are back.
 */
class FleetIT {

  static final String JOB = "dev.jobtrace.linker.it.FleetWorker$ImportJob[run,slow,last]";

  @Test
  void slowJobsAreKeptWholeThroughTheGatewayAndSurviveACollectorOutage() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    try (LocalOpenSearch store = LocalOpenSearch.start(repo)) {
      LocalJaeger.Builder first = collector(repo, store);
      LocalJaeger.Builder second = collector(repo, store);
      LocalJaeger a = first.start();
      LocalJaeger b = second.start();
      try (LocalJaeger query = opensearch(LocalJaeger.builder(repo), store).start();
          LocalCollector gateway =
              LocalCollector.start(repo, a.otlpGrpcTarget(), b.otlpGrpcTarget());
          LinkerServer linker1 = linker(query);
          LinkerServer linker2 = linker(query)) {
        try {
          // Two workers at once, 100 runs each, every tenth slow.
          try (AgentProcess.Running w1 = worker(gateway, "fleet-worker-1", 100).start();
              AgentProcess.Running w2 = worker(gateway, "fleet-worker-2", 100).start()) {
            w1.awaitOutput("done", 180);
            w2.awaitOutput("done", 180);
          }
          for (String service : List.of("fleet-worker-1", "fleet-worker-2")) {
            Map<String, List<JsonNode>> traces = awaitTraces(query, service);
            assertKeptWhole(traces, service, 100, linker1, linker2);
          }
          // Both collectors took a share of the traces.
          String outcomes = gateway.metrics();
          for (LocalJaeger c : List.of(a, b)) {
            assertThat(outcomes)
                .as("the gateway delivered to " + c.otlpGrpcTarget())
                .containsPattern(
                    "otelcol_loadbalancer_backend_outcome_total\\{[^}]*endpoint=\""
                        + c.otlpGrpcTarget().replace(".", "\\.")
                        + "\"[^}]*success=\"true\"[^}]*\\} [1-9]");
          }

          // Both collectors down: a worker runs its jobs, the gateway restarts in between.
          a.close();
          b.close();
          worker(gateway, "fleet-worker-3", 30).run(120);
          gateway.restart();
          a = first.start();
          b = second.start();
          Map<String, List<JsonNode>> late = awaitTraces(query, "fleet-worker-3");
          assertKeptWhole(late, "fleet-worker-3", 30, linker1, linker2);
        } finally {
          a.close();
          b.close();
        }
      }
    }
  }

  /** A Jaeger collector: tail sampling (decided after 5 s, 20% of the ordinary) into the store. */
  static LocalJaeger.Builder collector(Path repo, LocalOpenSearch store) {
    return opensearch(LocalJaeger.builder(repo), store)
        .otlpGrpcPort(Ports.free())
        .overlay(
            "profiler-linker/jaeger/tail-sampling.yaml",
            Map.of("JOBTRACE_DECISION_WAIT", "5s", "JOBTRACE_KEEP_PERCENT", "20"));
  }

  static LocalJaeger.Builder opensearch(LocalJaeger.Builder jaeger, LocalOpenSearch store) {
    return jaeger.overlay(
        "profiler-linker/jaeger/opensearch.yaml",
        Map.of("JAEGER_OPENSEARCH_URL", store.url(), "JAEGER_OPENSEARCH_REPLICAS", "0"));
  }

  static LinkerServer linker(LocalJaeger query) throws Exception {
    return new LinkerServer(TestOptions.of(query.queryUrl(), Duration.ofSeconds(10)));
  }

  static AgentProcess worker(LocalCollector gateway, String service, int runs) {
    return AgentProcess.of(FleetWorker.class.getName(), gateway.otlpEndpoint())
        .classPath(System.getProperty("jobtrace.test.classes"))
        .set("otel.service.name", service)
        .set("otel.metrics.exporter", "none")
        .set("otel.bsp.schedule.delay", "500")
        .set("otel.jobtrace.jobs", JOB)
        .arg(Integer.toString(runs));
  }

  /**
   * Every slow run of the service is in the store with all its spans, marked slow, with a profile
   * both linkers open; every trace kept, slow or not, is whole (one sampler decided all of it).
   */
  static void assertKeptWhole(
      Map<String, List<JsonNode>> traces, String service, int runs, LinkerServer... linkers)
      throws Exception {
    int slow = 0;
    for (List<JsonNode> spans : traces.values()) {
      JsonNode job = jobSpan(spans);
      if (job == null) {
        // The worker's warm-up call runs outside any job: an ordinary trace the sampler may keep.
        assertThat(spans)
            .as("a kept trace of %s without a job span: the warm-up call's", service)
            .allMatch(
                sp ->
                    String.valueOf(LinkerIT.attr(sp, "url.full")).endsWith("/warm-up")
                        || "/warm-up".equals(LinkerIT.attr(sp, "url.path")));
        continue;
      }
      assertThat(spans)
          .as("a kept trace of " + service + " is whole")
          .hasSize(FleetWorker.SPANS_PER_TRACE);
      String name = LinkerIT.attr(job, "jobtrace.job.name");
      if (!name.endsWith(".slow") && !name.endsWith(".last")) {
        continue;
      }
      slow++;
      assertThat(LinkerIT.attr(job, "jobtrace.keep").split(",")).contains("slow");
      String profile = LinkerIT.attr(job, "jobtrace.profile.id");
      assertThat(profile)
          .as(
              "the profile of %s %s (%s)",
              name, job.path("spanId").asText(), LinkerIT.attr(job, "jobtrace.profile.error"))
          .isNotNull();
      for (LinkerServer linker : linkers) {
        HttpResponse<String> page =
            LinkerIT.get(
                "http://127.0.0.1:" + linker.port() + "/profiles/" + profile + "/flamegraph");
        assertThat(page.statusCode()).as("its flame graph").isEqualTo(200);
        assertThat(page.body()).contains("serializeInvoices");
      }
    }
    // Every tenth run and the last one; others may be kept too (a share, or one that ran slow).
    assertThat(slow)
        .as("slow runs of " + service + " kept")
        .isEqualTo(runs / FleetWorker.SLOW_EVERY + 1);
    System.out.println(
        "fleet: " + service + ": " + traces.size() + " traces kept, " + slow + " slow");
  }

  static Map<String, Integer> sizes(Map<String, List<JsonNode>> traces) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    traces.forEach((id, spans) -> sizes.put(id, spans.size()));
    return sizes;
  }

  static JsonNode jobSpan(List<JsonNode> spans) {
    for (JsonNode span : spans) {
      if (LinkerIT.attr(span, "jobtrace.job.name") != null) {
        return span;
      }
    }
    return null;
  }

  /**
   * The service's traces in the store (trace id → spans), once its last run is among them and two
   * reads a second apart agree (the last decision came last; its spans are indexed within a flush).
   */
  static Map<String, List<JsonNode>> awaitTraces(LocalJaeger query, String service)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(180);
    Map<String, List<JsonNode>> before = Map.of();
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r =
          LinkerIT.get(LinkerIT.tracesUrl(query, service, Duration.ofSeconds(900), 1000));
      Map<String, List<JsonNode>> traces = new LinkedHashMap<>();
      boolean last = false;
      if (r.statusCode() == 200) {
        for (JsonNode span : LinkerIT.spans(r.body())) {
          traces.computeIfAbsent(span.path("traceId").asText(), k -> new ArrayList<>()).add(span);
          String name = LinkerIT.attr(span, "jobtrace.job.name");
          last |= name != null && name.endsWith(".last");
        }
      }
      if (last && sizes(traces).equals(sizes(before))) {
        return traces;
      }
      before = last ? traces : Map.of();
      Thread.sleep(1000);
    }
    throw new AssertionError("the last run of " + service + " never reached the store");
  }
}
