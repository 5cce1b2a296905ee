package dev.jobtrace.vthreads;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.function.BiConsumer;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Puts {@code dev.jobtrace.bootstrap.VirtualThreadMounts} on the bootstrap class path, where the
 * advice inside {@code java.lang.VirtualThread} resolves it, and connects jobtrace's listeners to
 * it. Must run before any virtual thread mounts, so during the agent's start.
 */
public final class MountBridge {

  static final String BRIDGE = "dev.jobtrace.bootstrap.VirtualThreadMounts";

  private static volatile Class<?> bridge;

  /** Why virtual threads are not followed; null when they are, or when the JVM has none. */
  private static volatile String unavailable;

  private MountBridge() {}

  /** True on a JVM with virtual threads (JDK 21+). */
  public static boolean jvmHasVirtualThreads() {
    return Runtime.version().feature() >= 21;
  }

  /** Installs the bridge once; on failure, remembers why. */
  public static synchronized void install(String tempDir) {
    if (bridge != null || unavailable != null || !jvmHasVirtualThreads()) {
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
      String resource = BRIDGE.replace('.', '/') + ".class";
      File jar = File.createTempFile("jobtrace-bootstrap-", ".jar", new File(tempDir));
      jar.deleteOnExit();
      try (InputStream in = MountBridge.class.getClassLoader().getResourceAsStream(resource);
          JarOutputStream out = new JarOutputStream(new FileOutputStream(jar))) {
        if (in == null) {
          throw new IllegalStateException(resource + " is missing from the extension");
        }
        out.putNextEntry(new ZipEntry(resource));
        in.transferTo(out);
        out.closeEntry();
      }
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      Class<?> loaded = Class.forName(BRIDGE, true, null);
      if (loaded.getClassLoader() != null) {
        throw new IllegalStateException(BRIDGE + " did not load from the bootstrap class path");
      }
      bridge = loaded;
    } catch (Throwable t) {
      unavailable = "virtual threads are not followed onto their carriers: " + t;
    }
  }

  public static boolean installed() {
    return bridge != null;
  }

  /** Why samples cannot follow virtual threads here, or null. */
  public static String unavailable() {
    return unavailable;
  }

  /** Connects the listeners; false (with the reason kept) when the bridge is not there. */
  public static boolean listen(
      BiConsumer<Thread, Thread> onMount, BiConsumer<Thread, Thread> onUnmount) {
    Class<?> b = bridge;
    if (b == null) {
      return false;
    }
    try {
      b.getField("onMount").set(null, onMount);
      b.getField("onUnmount").set(null, onUnmount);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      unavailable = "virtual threads are not followed onto their carriers: " + e;
      return false;
    }
  }

  private static final Method IS_VIRTUAL = isVirtualMethod();

  private static Method isVirtualMethod() {
    try {
      return Thread.class.getMethod("isVirtual");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** {@code Thread.isVirtual()} where the JDK has it. */
  public static boolean isVirtual(Thread thread) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (Boolean) IS_VIRTUAL.invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** A carrier of the JDK's virtual-thread scheduler: it runs nothing but virtual threads. */
  public static boolean isCarrier(Thread thread) {
    return thread.getClass().getName().equals("jdk.internal.misc.CarrierThread");
  }
}
