package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalOpenSearch;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jaeger v2 keeping traces in a real OpenSearch node with the repository's overlay
 * (profiler-linker/jaeger/opensearch.yaml): a job's trace goes in through Jaeger, lands in the
 * store's day index with its profile snippet, and its flame graph comes out through two linkers
 * reading the same query API; a new Jaeger on the same store still finds it.
 */
class OpenSearchStoreIT {

  static final String SERVICE = "store-worker";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aJobsTraceGoesInThroughJaegerAndItsFlameGraphComesOutThroughTheLinkers() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    try (LocalOpenSearch store = LocalOpenSearch.start(repo)) {
      String profile;
      try (LocalJaeger jaeger = jaegerOn(repo, store)) {
        LinkerIT.worker(
                jaeger,
                SERVICE,
                SlowWorker.class,
                "dev.jobtrace.linker.it.SlowWorker$InvoiceExportJob[run]")
            .run(120);
        JsonNode job = LinkerIT.awaitJobSpan(jaeger, SERVICE);
        profile = LinkerIT.attr(job, "jobtrace.profile.id");
        assertThat(profile).as("the job span's profile").isNotNull();

        // In the store: the job span, snippet and all, in the day index Jaeger created.
        store.refresh();
        JsonNode hits =
            JSON.readTree(
                    store.get(
                        "/jobtrace-jaeger-span-*/_search?q=traceID:"
                            + profile.substring(0, 32)
                            + "&size=100"))
                .path("hits")
                .path("hits");
        List<String> operations = new ArrayList<>();
        String snippet = null;
        for (JsonNode hit : hits) {
          JsonNode span = hit.path("_source");
          operations.add(span.path("operationName").asText());
          // Span events are Jaeger's logs in the store.
          for (JsonNode event : span.path("logs")) {
            for (JsonNode field : event.path("fields")) {
              if (field.path("key").asText().equals("jobtrace.profile.folded")) {
                snippet = field.path("value").asText();
              }
            }
          }
        }
        assertThat(operations)
            .as("the trace's spans in OpenSearch")
            .contains("InvoiceExportJob.run");
        assertThat(snippet)
            .as("the profile snippet, kept whole")
            .isNotNull()
            .hasSizeGreaterThan(100);

        // Two linkers on one query API: neither keeps anything of its own.
        try (LinkerServer first = linker(jaeger);
            LinkerServer second = linker(jaeger)) {
          for (LinkerServer linker : List.of(first, second)) {
            assertFlameGraph(linker, profile);
          }
        }
      }

      // Jaeger gone and back: the trace was in the store, not in Jaeger's memory.
      try (LocalJaeger again = jaegerOn(repo, store);
          LinkerServer linker = linker(again)) {
        assertFlameGraph(linker, profile);
      }
    }
  }

  static LocalJaeger jaegerOn(Path repo, LocalOpenSearch store) throws Exception {
    return LocalJaeger.builder(repo)
        .overlay(
            "profiler-linker/jaeger/opensearch.yaml",
            Map.of("JAEGER_OPENSEARCH_URL", store.url(), "JAEGER_OPENSEARCH_REPLICAS", "0"))
        .start();
  }

  static LinkerServer linker(LocalJaeger jaeger) throws Exception {
    return new LinkerServer(TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(10)));
  }

  static void assertFlameGraph(LinkerServer linker, String profile) throws Exception {
    String base = "http://127.0.0.1:" + linker.port() + "/profiles/" + profile;
    HttpResponse<String> page = LinkerIT.get(base);
    assertThat(page.statusCode()).as("the profile page").isEqualTo(200);
    assertThat(page.body()).contains(SERVICE).contains("SlowWorker$InvoiceExportJob.run");
    HttpResponse<String> graph = LinkerIT.get(base + "/flamegraph");
    assertThat(graph.statusCode()).as("the flame graph").isEqualTo(200);
    assertThat(graph.body()).contains("serializeInvoices").contains("<canvas");
  }
}
