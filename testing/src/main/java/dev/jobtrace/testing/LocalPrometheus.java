package dev.jobtrace.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which scripts/test.sh installs) run with
 * the repository's configuration, scraping a {@link LocalJaeger}'s Prometheus exporter instead of
 * {@code jaeger:8889}, with exemplar storage on, on a loopback port and a temporary data directory.
 */
public final class LocalPrometheus implements AutoCloseable {

  /** The configuration the compose file mounts (repository path). */
  public static final String CONFIG = "profiler-linker/prometheus/prometheus.yml";

  /** The demo's scrape target and interval in {@link #CONFIG}, replaced when run here. */
  static final String TARGET = "\"jaeger:8889\"";

  static final String INTERVAL = "scrape_interval: 5s";

  private final int port;
  private final Process process;
  private final Path data;
  private final Path log;

  private LocalPrometheus(Path repo, String target, Duration scrapeEvery, int port, Path log)
      throws Exception {
    this.port = port;
    this.log = log != null ? log : Files.createTempFile("prometheus", ".log");
    this.data = Files.createTempDirectory("prometheus-data");
    String config = Files.readString(repo.resolve(CONFIG));
    if (!config.contains(TARGET) || !config.contains(INTERVAL)) {
      throw new IllegalStateException(CONFIG + " no longer has " + TARGET + " and " + INTERVAL);
    }
    Path file = data.resolve("prometheus.yml");
    Files.writeString(
        file,
        config
            .replace(TARGET, "\"" + target + "\"")
            .replace(INTERVAL, "scrape_interval: " + scrapeEvery.toMillis() + "ms"));
    process =
        new ProcessBuilder(
                binary(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + data.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--enable-feature=exemplar-storage")
            .redirectErrorStream(true)
            .redirectOutput(this.log.toFile())
            .start();
    try {
      awaitReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Scraping {@code target} (host:port) every {@code scrapeEvery}, on a free port. */
  public static LocalPrometheus start(Path repo, String target, Duration scrapeEvery)
      throws Exception {
    return new LocalPrometheus(repo, target, scrapeEvery, Ports.free(), null);
  }

  /** As {@link #start(Path, String, Duration)}, on {@code port}, logging to {@code log}. */
  public static LocalPrometheus start(
      Path repo, String target, Duration scrapeEvery, int port, Path log) throws Exception {
    return new LocalPrometheus(repo, target, scrapeEvery, port, log);
  }

  /** {@code prometheus} on the PATH, else Debian's; fails saying how to get it. */
  static String binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : (path + ":/usr/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "prometheus"))) {
        return Path.of(dir, "prometheus").toString();
      }
    }
    throw new IllegalStateException(
        "Prometheus is needed: install Debian's prometheus package (apt-get install prometheus),"
            + " as scripts/test.sh does");
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  public Path log() {
    return log;
  }

  private void awaitReady() throws Exception {
    Readiness.await("prometheus", process, log, url() + "/-/ready", 60);
  }

  /** Stops it and deletes its data. */
  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
