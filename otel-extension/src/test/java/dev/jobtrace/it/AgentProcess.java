package dev.jobtrace.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An application JVM started with the built {@code jobtrace-agent.jar} and nothing else on its
 * command line but settings, exporting to a test receiver.
 */
public final class AgentProcess {

  private final String mainClass;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private String agentJar = System.getProperty("jobtrace.agent.jar");

  private AgentProcess(String mainClass) {
    this.mainClass = mainClass;
  }

  public static AgentProcess of(Class<?> main, OtlpReceiver receiver) {
    AgentProcess p = new AgentProcess(main.getName());
    p.set("otel.exporter.otlp.endpoint", receiver.endpoint());
    p.set("otel.exporter.otlp.protocol", "http/protobuf");
    p.set("otel.service.name", "jobtrace-test-app");
    p.set("otel.logs.exporter", "none");
    p.set("otel.bsp.schedule.delay", "200");
    p.set("otel.metric.export.interval", "500");
    return p;
  }

  public AgentProcess set(String key, String value) {
    properties.put(key, value);
    return this;
  }

  public AgentProcess env(String key, String value) {
    environment.put(key, value);
    return this;
  }

  public AgentProcess arg(String value) {
    args.add(value);
    return this;
  }

  public AgentProcess agentJar(String path) {
    agentJar = path;
    return this;
  }

  /** Runs the application to its end; returns its output. Fails the test if it does not exit 0. */
  public Result run(long timeoutSeconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (agentJar != null) {
      cmd.add("-javaagent:" + agentJar);
    }
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(applicationClassPath());
    cmd.add(mainClass);
    cmd.addAll(args);

    Path logs = Path.of("target", "app-logs");
    Files.createDirectories(logs);
    File out = Files.createTempFile(logs, mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-", ".log").toFile();
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out);
    builder.environment().putAll(environment);
    Process process = builder.start();
    boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!exited) {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
      process.destroyForcibly();
    }
    String output = Files.readString(out.toPath());
    if (!exited) {
      throw new AssertionError("application did not finish in " + timeoutSeconds + " s:\n" + tail(output));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("application exited with " + process.exitValue() + ":\n" + tail(output));
    }
    return new Result(output);
  }

  private static String tail(String output) {
    return output.length() > 20_000 ? output.substring(output.length() - 20_000) : output;
  }

  /**
   * The test class path without jobtrace's own classes and the OpenTelemetry API and SDK: the
   * application must see only what the agent injects.
   */
  static String applicationClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.endsWith("otel-extension/target/classes") && !e.endsWith("jobtrace-extension.jar"))
        .filter(e -> !e.contains("/io/opentelemetry/") || e.contains("/io/opentelemetry/proto/"))
        .filter(e -> !e.contains("/net/bytebuddy/") && !e.contains("/tools/profiler/"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  public static final class Result {
    public final String output;

    Result(String output) {
      this.output = output;
    }

    public long linesContaining(String text) {
      return output.lines().filter(l -> l.contains(text)).count();
    }
  }
}
