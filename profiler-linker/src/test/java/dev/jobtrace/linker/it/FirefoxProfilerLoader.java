package dev.jobtrace.linker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.testing.RepoScripts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A file loaded by the Firefox Profiler's own import and processing code: its command-line loader
 * ({@code @firefox-devtools/profiler-cli}, installed by scripts/firefox-profiler-cli.sh), one
 * daemon session per file, asked for JSON. A file it refuses fails {@link #open}.
 */
final class FirefoxProfilerLoader implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path cli;
  private final Path sessions;
  private final String session = "jobtrace-" + UUID.randomUUID();

  private FirefoxProfilerLoader(Path cli, Path sessions) {
    this.cli = cli;
    this.sessions = sessions;
  }

  static FirefoxProfilerLoader open(Path profile) throws Exception {
    Path repo = Path.of(System.getProperty("jobtrace.repo.dir", "..")).toAbsolutePath();
    FirefoxProfilerLoader loader =
        new FirefoxProfilerLoader(
            RepoScripts.pathFrom(repo, "firefox-profiler-cli.sh", 5),
            Files.createTempDirectory("firefox-profiler-sessions"));
    loader.run("load", profile.toAbsolutePath().toString());
    return loader;
  }

  /** A command's JSON answer, e.g. {@code json("thread", "samples")}. */
  JsonNode json(String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    args.add("--json");
    return JSON.readTree(run(args.toArray(new String[0])));
  }

  /** Runs one command of the session; its output, or an error naming the command and the output. */
  String run(String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("node", cli.toString()));
    args.addAll(List.of(command));
    args.add("--session");
    args.add(session);
    File out = File.createTempFile("firefox-profiler", ".out");
    ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(out);
    builder.environment().put("PROFILER_CLI_SESSION_DIR", sessions.toString());
    // The files are symbolicated already: nothing to look up over the network.
    builder.environment().put("PROFILER_CLI_NO_SYMBOLICATE", "1");
    Process p = builder.start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    String output = Files.readString(out.toPath());
    Files.delete(out.toPath());
    if (!ended || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(
          "the Firefox Profiler's loader failed on `"
              + String.join(" ", command)
              + "`:\n"
              + output);
    }
    return output;
  }

  @Override
  public void close() throws Exception {
    run("stop");
  }
}
