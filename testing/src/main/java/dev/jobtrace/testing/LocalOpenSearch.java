package dev.jobtrace.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OpenSearch 2.19 node (one node, security off) in a JVM of its own, from the Maven
 * artifacts whose class path the testing-opensearch module resolves, with its data in a temporary
 * directory and its HTTP API on a loopback port. The store the fleet tests keep traces in.
 */
public final class LocalOpenSearch implements AutoCloseable {

  /** Written by the testing-opensearch module's build (repository path). */
  public static final String CLASSPATH_FILE = "testing-opensearch/target/opensearch.classpath";

  static final String MAIN = "org.codelibs.opensearch.runner.OpenSearchRunner";

  static final Pattern HTTP_ADDRESS =
      Pattern.compile(
          "AbstractHttpServerTransport\\].*publish_address \\{127\\.0\\.0\\.1:(\\d+)\\}");

  private final Process process;
  private final Path data;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalOpenSearch(Path repo, String heap) throws Exception {
    Path classpath = repo.resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(classpath)) {
      throw new IllegalStateException(
          classpath + " is missing: build the testing-opensearch module (./mvnw install)");
    }
    data = Files.createTempDirectory("opensearch");
    log = data.resolve("node.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                java,
                "-Xms" + heap,
                "-Xmx" + heap,
                "-cp",
                Files.readString(classpath).trim(),
                MAIN,
                "-basePath",
                data.resolve("cluster").toString(),
                "-numOfNode",
                "1",
                // The runner serves node 1 on the first free port of 9250 to 9299 (it takes no
                // port above 9299); the log says which.
                "-baseHttpPort",
                "9249",
                // A name of its own: nodes on one machine find each other on the transport ports
                // (9300 and up) and would join one cluster when they share a name, as two test
                // runs side by side did.
                "-clusterName",
                "jobtrace-test-" + ProcessHandle.current().pid() + "-" + data.getFileName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      port = awaitHttpPort(120);
      awaitHealthy(60);
      // A test machine's disk may be fuller than OpenSearch's watermarks allow for new shards.
      send(
          "PUT",
          "/_cluster/settings",
          "{\"persistent\":{\"cluster.routing.allocation.disk.threshold_enabled\":false}}");
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** A node with a 512 MiB heap. */
  public static LocalOpenSearch start(Path repo) throws Exception {
    return new LocalOpenSearch(repo, "512m");
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  public Process process() {
    return process;
  }

  /** PUT on the node's HTTP API with a JSON body, the body as text. */
  public String put(String path, String json) throws Exception {
    return send("PUT", path, json);
  }

  /** POST on the node's HTTP API with a JSON body (none when null), the body as text. */
  public String post(String path, String json) throws Exception {
    return send("POST", path, json == null ? "" : json);
  }

  /** GET on the node's HTTP API, the body as text; fails on a status other than 200. */
  public String get(String path) throws Exception {
    return send("GET", path, null);
  }

  /** Makes everything indexed so far searchable and counted (OpenSearch refreshes every second). */
  public void refresh() throws Exception {
    send("POST", "/_refresh", "");
  }

  private String send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "opensearch " + method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private int awaitHttpPort(int seconds) throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(log)) {
        Matcher m = HTTP_ADDRESS.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("opensearch exited:\n" + tail());
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("opensearch not listening in " + seconds + " s:\n" + tail());
  }

  private void awaitHealthy(int seconds) throws Exception {
    Readiness.await(
        "opensearch",
        process,
        log,
        url() + "/_cluster/health?wait_for_status=yellow&timeout=1s",
        seconds);
  }

  private String tail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (!Files.exists(data)) {
      return; // closed before
    }
    try (Stream<Path> files = Files.walk(data)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
