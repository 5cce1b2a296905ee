package dev.jobtrace.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;

/**
 * An application of one source file, compiled by the test itself, for JVMs or APIs the tests' own
 * Java 17 classes cannot target (an older JVM, a preview API).
 */
public final class OneFileApp {

  private OneFileApp() {}

  /**
   * Compiles {@code source} (class {@code className}) with {@code javacOptions}; returns its class
   * path.
   */
  public static String compile(String className, String source, String... javacOptions)
      throws Exception {
    Path dir = Files.createTempDirectory(className);
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, source);
    String[] args = new String[javacOptions.length + 3];
    System.arraycopy(javacOptions, 0, args, 0, javacOptions.length);
    args[javacOptions.length] = "-d";
    args[javacOptions.length + 1] = dir.toString();
    args[javacOptions.length + 2] = file.toString();
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, args) != 0) {
      throw new IllegalStateException("could not compile " + className);
    }
    return dir.toString();
  }
}
