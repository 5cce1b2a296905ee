package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.testing.LocalCollector;
import dev.jobtrace.testing.LocalJaeger;
import dev.jobtrace.testing.LocalOpenSearch;
import dev.jobtrace.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The fleet's path with its OpenSearch store unreachable for 75 s (a forwarder between Jaeger and
 * the store, shut and opened again on the same port): workers → gateway (its sending queue on disk)
 * → Jaeger → store. Jaeger's bulk indexer keeps what it could not write and, once its retries run
 * out, takes no more until the store answers, so the gateway's sends time out and wait in its
 * queue; the workers have exited and the gateway restarted meanwhile. Every job span sent during
 * the outage is in the store once it is back, and Jaeger shows each once.
 */
class StoreOutageIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jobSpansSentWhileTheStoreIsDownAreStoredOnceItIsBack() throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", ".."));
    try (LocalOpenSearch store = LocalOpenSearch.start(repo)) {
      URI target = URI.create(store.url());
      int port = Ports.free();
      Proxy proxy = new Proxy(port, target.getHost(), target.getPort());
      try (LocalJaeger jaeger =
              LocalJaeger.builder(repo)
                  .overlay(
                      "profiler-linker/jaeger/opensearch.yaml",
                      Map.of(
                          "JAEGER_OPENSEARCH_URL",
                          "http://127.0.0.1:" + port,
                          "JAEGER_OPENSEARCH_REPLICAS",
                          "0"))
                  .start();
          LocalCollector gateway =
              LocalCollector.start(repo, jaeger.otlpGrpcTarget(), jaeger.otlpGrpcTarget())) {
        FleetIT.worker(gateway, "before-outage", 20).run(180);
        assertThat(awaitJobSpans(store, "before-outage", 21, 60)[0]).isEqualTo(21);

        proxy.close();
        Instant shut = Instant.now();
        // Early in the outage Jaeger takes spans in and keeps them; once its bulk retries run out
        // (10 to 20 s) it takes no more, and the gateway's sends time out into its queue on disk.
        FleetIT.worker(gateway, "early-in-outage", 50).run(180);
        sleepUntil(shut.plusSeconds(30));
        FleetIT.worker(gateway, "late-in-outage", 50).run(180);
        // Both workers have exited; what they sent is the gateway's to hold, across a restart too.
        gateway.restart();
        sleepUntil(shut.plusSeconds(75));
        proxy = new Proxy(port, target.getHost(), target.getPort());
        long[] early = awaitJobSpans(store, "early-in-outage", 51, 180);
        long[] late = awaitJobSpans(store, "late-in-outage", 51, 180);
        long retried =
            Files.readAllLines(gateway.log()).stream()
                .filter(l -> l.contains("Exporting failed"))
                .count();
        System.out.printf(
            "store outage (75 s): job spans stored of 51 sent early=%d (documents %d), of 51 sent"
                + " late=%d (documents %d); gateway sends failed and retried: %d%n",
            early[0], early[1], late[0], late[1], retried);
        assertThat(Files.readString(jaeger.log()))
            .as("Jaeger saw the store down")
            .contains("could not process bulk request");
        assertThat(early[0]).as("job spans sent early in the outage, stored").isEqualTo(51);
        assertThat(late[0]).as("job spans sent late in the outage, stored").isEqualTo(51);
        // Resent requests leave copies in the store; Jaeger's query shows each span once.
        for (String service : List.of("early-in-outage", "late-in-outage")) {
          assertThat(jobSpansShown(jaeger, service)).as(service + " in Jaeger").hasSize(51);
        }
      } finally {
        proxy.close();
      }
    }
  }

  /** The ids of the service's job spans as Jaeger's query API returns them, one per span shown. */
  static List<String> jobSpansShown(LocalJaeger jaeger, String service) throws Exception {
    List<String> ids = new ArrayList<>();
    HttpResponse<String> r =
        LinkerIT.get(LinkerIT.tracesUrl(jaeger, service, Duration.ofSeconds(900), 500));
    assertThat(r.statusCode()).as("Jaeger's trace search").isEqualTo(200);
    for (JsonNode span : LinkerIT.spans(r.body())) {
      if (LinkerIT.attr(span, "jobtrace.job.name") != null) {
        ids.add(span.path("spanId").asText());
      }
    }
    return ids;
  }

  static void sleepUntil(Instant when) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), when).toMillis()));
  }

  /**
   * {distinct job spans, documents} of the service in the store, once there are {@code want}
   * distinct ones or the time is up.
   */
  static long[] awaitJobSpans(LocalOpenSearch store, String service, long want, long seconds)
      throws Exception {
    String query =
        "{\"size\":0,\"query\":{\"bool\":{\"filter\":["
            + "{\"term\":{\"process.serviceName\":\""
            + service
            + "\"}},{\"prefix\":{\"operationName\":\"ImportJob.\"}}]}},"
            + "\"aggs\":{\"spans\":{\"cardinality\":{\"field\":\"spanID\","
            + "\"precision_threshold\":1000}}}}";
    Instant deadline = Instant.now().plusSeconds(seconds);
    long[] have = {0, 0};
    while (Instant.now().isBefore(deadline)) {
      store.refresh();
      try {
        JsonNode r = JSON.readTree(store.post("/jobtrace-jaeger-span-*/_search", query));
        have[0] = r.path("aggregations").path("spans").path("value").asLong();
        have[1] = r.path("hits").path("total").path("value").asLong();
      } catch (IllegalStateException noIndexYet) {
        have[0] = 0;
      }
      if (have[0] >= want) {
        return have;
      }
      Thread.sleep(1000);
    }
    return have;
  }

  /** A TCP forwarder that can be shut, connections and all. */
  static final class Proxy implements AutoCloseable {
    final ServerSocket server;
    final List<Socket> open = new CopyOnWriteArrayList<>();

    Proxy(int port, String host, int targetPort) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket in = server.accept();
                    Socket out = new Socket(host, targetPort);
                    open.add(in);
                    open.add(out);
                    pump(in, out);
                    pump(out, in);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accept.setDaemon(true);
      accept.start();
    }

    void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream i = from.getInputStream();
                    OutputStream o = to.getOutputStream()) {
                  i.transferTo(o);
                } catch (IOException e) {
                  // closed
                }
              });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
