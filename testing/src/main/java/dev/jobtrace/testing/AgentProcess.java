package dev.jobtrace.testing;

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
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private String agentJar = System.getProperty("jobtrace.agent.jar");
  private String javaExecutable =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private String classPath;

  private AgentProcess(String mainClass) {
    this.mainClass = mainClass;
  }

  public static AgentProcess of(Class<?> main, OtlpReceiver receiver) {
    return of(main.getName(), receiver);
  }

  public static AgentProcess of(String mainClass, OtlpReceiver receiver) {
    return of(mainClass, receiver.endpoint());
  }

  /** Exporting over OTLP/HTTP to {@code otlpEndpoint} (a real Jaeger, say). */
  public static AgentProcess of(String mainClass, String otlpEndpoint) {
    AgentProcess p = new AgentProcess(mainClass);
    p.set("otel.exporter.otlp.endpoint", otlpEndpoint);
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

  public AgentProcess jvmArg(String value) {
    jvmArgs.add(value);
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

  /** Another JVM than the tests' own. */
  public AgentProcess java(String executable) {
    javaExecutable = executable;
    return this;
  }

  /** An application class path of its own, instead of the tests'. */
  public AgentProcess classPath(String path) {
    classPath = path;
    return this;
  }

  /** Runs the application to its end; returns its output. Fails the test if it does not exit 0. */
  public Result run(long timeoutSeconds) throws IOException, InterruptedException {
    File out = logFile();
    Process process = launch(out);
    boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!exited) {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
      process.destroyForcibly();
    }
    String output = Files.readString(out.toPath());
    if (!exited) {
      throw new AssertionError(
          "application did not finish in " + timeoutSeconds + " s:\n" + tail(output));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "application exited with " + process.exitValue() + ":\n" + tail(output));
    }
    return new Result(output);
  }

  /**
   * Starts a long-running application (a service); closing it stops it, letting the agent flush.
   */
  public Running start() throws IOException {
    File out = logFile();
    return new Running(launch(out), out);
  }

  private File logFile() throws IOException {
    Path logs = Path.of("target", "app-logs");
    Files.createDirectories(logs);
    return Files.createTempFile(
            logs, mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-", ".log")
        .toFile();
  }

  private Process launch(File out) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable);
    if (agentJar != null) {
      cmd.add("-javaagent:" + agentJar);
    }
    cmd.addAll(jvmArgs);
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(classPath != null ? classPath : applicationClassPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out);
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** A started application. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final File out;

    Running(Process process, File out) {
      this.process = process;
      this.out = out;
    }

    public String output() throws IOException {
      return Files.readString(out.toPath());
    }

    /** Waits until its output contains {@code text}; fails with the output after the timeout. */
    public void awaitOutput(String text, long timeoutSeconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (System.nanoTime() < deadline) {
        if (output().contains(text)) {
          return;
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no \"" + text + "\" in the output:\n" + tail(output()));
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String tail(String output) {
    return output.length() > 20_000 ? output.substring(output.length() - 20_000) : output;
  }

  /**
   * The test class path without jobtrace's own classes and the OpenTelemetry API and SDK: the
   * application must see only what the agent injects.
   */
  static String applicationClassPath() {
    // Another version of a library under test (the oldest supported, say) than the build compiles
    // against: jars named without their version (spring-batch-core.jar) in this folder take the
    // place of the same artifacts' jars (spring-batch-core-5.2.6.jar).
    Map<String, String> swaps = new LinkedHashMap<>();
    String swapDir = swapDir();
    if (swapDir != null) {
      File[] jars = new File(swapDir).listFiles((d, n) -> n.endsWith(".jar"));
      for (File jar : jars == null ? new File[0] : jars) {
        swaps.put(jar.getName().replaceFirst("\\.jar$", ""), jar.getPath());
      }
    }
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> swapped(e, swaps))
        .filter(e -> !isJobtrace(e))
        .filter(e -> !e.contains("/io/opentelemetry/") || e.contains("/io/opentelemetry/proto/"))
        .filter(e -> !e.contains("/net/bytebuddy/") && !e.contains("/tools/profiler/"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** jobtrace's own classes reach an application through the agent only, as in use. */
  private static boolean isJobtrace(String entry) {
    String name = Path.of(entry).getFileName().toString();
    return entry.endsWith("otel-extension/target/classes")
        || entry.endsWith("span-contract/target/classes")
        || name.equals("jobtrace-extension.jar")
        || name.startsWith("otel-extension-")
        || name.startsWith("span-contract-");
  }

  /** The folder of jars that replace the build's versions of their artifacts, or null. */
  public static String swapDir() {
    return System.getProperty("jobtrace.it.swap.dir");
  }

  private static String swapped(String entry, Map<String, String> swaps) {
    String file = new File(entry).getName();
    for (Map.Entry<String, String> swap : swaps.entrySet()) {
      if (file.matches(java.util.regex.Pattern.quote(swap.getKey()) + "-\\d[^/]*\\.jar")) {
        return swap.getValue();
      }
    }
    return entry;
  }

  public static final class Result {
    public final String output;

    /**
     * When a jar of the library {@code label} names is swapped in, the application must have loaded
     * the library from it: it prints {@code label} and the path of the jar it loaded, e.g.
     * "db-scheduler from /…/db-scheduler.jar".
     */
    public void assertLoadedSwappedJar(String label) {
      String dir = swapDir();
      String[] swapped =
          dir == null
              ? null
              : new File(dir).list((d, n) -> n.startsWith(label) && n.endsWith(".jar"));
      if (swapped != null && swapped.length > 0 && !output.contains(label + " from " + dir)) {
        throw new AssertionError(
            "expected \"" + label + " from " + dir + "…\" in the output:\n" + tail(output));
      }
    }

    Result(String output) {
      this.output = output;
    }

    public long linesContaining(String text) {
      return output.lines().filter(l -> l.contains(text)).count();
    }
  }
}
