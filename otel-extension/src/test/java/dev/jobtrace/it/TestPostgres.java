package dev.jobtrace.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL server from the machine's PostgreSQL binaries (Debian's {@code
 * postgresql} package), on a free loopback port, trusting local connections. PostgreSQL refuses to
 * run as root, so as root it runs as the {@code postgres} user the package creates.
 */
public final class TestPostgres implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private TestPostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  public static TestPostgres start() throws Exception {
    Path bin = findBinaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("jobtrace-pg");
    if (root) {
      run(List.of("chown", "postgres:postgres", dir.toString()), false);
    }
    TestPostgres pg = new TestPostgres(bin, dir, Ports.free(), root);
    pg.pg("initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust",
        "-E", "UTF8", "--no-sync");
    pg.pg("pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-t", "60", "-l",
        dir.resolve("server.log").toString(), "-o",
        "-p " + pg.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        "start");
    return pg;
  }

  static Path findBinaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (var versions = Files.list(root)) {
        Path newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max((a, b) -> Integer.compare(version(a), version(b)))
                .orElse(null);
        if (newest != null) {
          return newest;
        }
      }
    }
    throw new IllegalStateException(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian's"
            + " postgresql package (.ci/run does)");
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  private void pg(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(Arrays.asList(args));
    run(cmd, true);
  }

  private static void run(List<String> cmd, boolean quiet) throws Exception {
    File log = File.createTempFile("jobtrace-pg-cmd", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(new File("/tmp"))
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "command failed: " + cmd + "\n" + Files.readString(log.toPath()));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      pg("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      run(List.of("rm", "-rf", dir.toString()), false);
    }
  }
}
