package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Jaeger with its OpenSearch store unreachable for a minute (a forwarder between them, shut and
 * opened again on the same port): the job spans a worker sends meanwhile should all be in the store
 * once it answers again. They are not, reliably: Jaeger's bulk indexer retries a failed request for
 * about 10 to 20 s (olivere/elastic's default backoff, 200 ms growing to 10 s) and then drops it,
 * and its writer reports no failure upstream. Runs gave 51 of 51 and 29 of 51.
 */
@Disabled(
    "a store outage longer than Jaeger's bulk retries loses spans (29 of 51 in one run); to be"
        + " enabled with a pipeline that holds them on disk (Jaeger's Kafka pipeline)")
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
              .start()) {
        runWorker(jaeger, "before-outage", 20);
        assertThat(awaitJobSpans(store, "before-outage", 21, 60)[0]).isEqualTo(21);

        proxy.close();
        runWorker(jaeger, "during-outage", 50);
        Thread.sleep(60_000);
        proxy = new Proxy(port, target.getHost(), target.getPort());
        long[] during = awaitJobSpans(store, "during-outage", 51, 180);
        System.out.println(
            "store outage: job spans sent during a minute's outage=51, stored="
                + during[0]
                + " documents="
                + during[1]);
        assertThat(during[0]).as("distinct job spans stored after the outage").isEqualTo(51);
        assertThat(java.nio.file.Files.readString(jaeger.log()))
            .as("Jaeger saw the store down")
            .contains("could not process bulk request");
      } finally {
        proxy.close();
      }
    }
  }

  static void runWorker(LocalJaeger jaeger, String service, int runs) throws Exception {
    LinkerIT.worker(jaeger, service, FleetWorker.class, FleetIT.JOB)
        .arg(Integer.toString(runs))
        .run(180);
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
