package dev.jobtrace;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Puts jobtrace's bootstrap hooks ({@code dev.jobtrace.bootstrap}) on the bootstrap class path,
 * where advice inside JDK classes (and inside any class loader's classes) resolves them. Must run
 * before the instrumentation that calls them is installed, so during the agent's start.
 */
public final class BootstrapBridge {

  public static final String VIRTUAL_THREAD_MOUNTS = "dev.jobtrace.bootstrap.VirtualThreadMounts";
  public static final String CALL_TIMEOUTS = "dev.jobtrace.bootstrap.CallTimeouts";

  static final List<String> HOOKS = List.of(VIRTUAL_THREAD_MOUNTS, CALL_TIMEOUTS);

  private static volatile boolean installed;

  /** Why the hooks are not there; null when they are or have not been asked for. */
  private static volatile String failure;

  private BootstrapBridge() {}

  /** Installs the hooks once, writing their jar to {@code tempDir}; on failure, remembers why. */
  public static synchronized void install(String tempDir) {
    if (installed || failure != null) {
      return;
    }
    try {
      Class<?> holder =
          Class.forName("io.opentelemetry.javaagent.bootstrap.InstrumentationHolder", true, null);
      Instrumentation instrumentation =
          (Instrumentation) holder.getMethod("getInstrumentation").invoke(null);
      if (instrumentation == null) {
        throw new IllegalStateException("the agent's Instrumentation is not available");
      }
      File jar = File.createTempFile("jobtrace-bootstrap-", ".jar", new File(tempDir));
      jar.deleteOnExit();
      try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
        for (String hook : HOOKS) {
          String resource = hook.replace('.', '/') + ".class";
          try (InputStream in =
              BootstrapBridge.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new IllegalStateException(resource + " is missing from the extension");
            }
            out.putNextEntry(new ZipEntry(resource));
            in.transferTo(out);
            out.closeEntry();
          }
        }
      }
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      for (String hook : HOOKS) {
        if (Class.forName(hook, true, null).getClassLoader() != null) {
          throw new IllegalStateException(hook + " did not load from the bootstrap class path");
        }
      }
      installed = true;
    } catch (Throwable t) {
      failure = t.toString();
    }
  }

  public static boolean installed() {
    return installed;
  }

  /** Why the hooks could not be installed, or null. */
  public static String failure() {
    return failure;
  }

  /** The hook class as the bootstrap class loader has it; null when not installed. */
  public static Class<?> hook(String name) {
    if (!installed) {
      return null;
    }
    try {
      return Class.forName(name, true, null);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
