package dev.jobtrace.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The repository's scripts that fetch or build what the tests need and print its path last. */
public final class RepoScripts {

  private RepoScripts() {}

  /** Runs {@code scripts/<name>} and returns the path it printed last. */
  public static Path pathFrom(Path repo, String name, long timeoutMinutes) throws Exception {
    File out = File.createTempFile(name, ".log");
    Process p =
        new ProcessBuilder("bash", repo.resolve("scripts").resolve(name).toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(out)
            .start();
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("scripts/" + name + " failed");
    }
    List<String> lines = Files.readAllLines(out.toPath());
    return Path.of(lines.get(lines.size() - 1).trim());
  }
}
