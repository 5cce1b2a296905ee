package dev.jobtrace.vthreads;

import dev.jobtrace.BootstrapBridge;
import java.lang.reflect.Method;
import java.util.function.BiConsumer;

/**
 * Connects jobtrace's listeners to {@code dev.jobtrace.bootstrap.VirtualThreadMounts}, which {@link
 * BootstrapBridge} puts on the bootstrap class path, where the advice inside {@code
 * java.lang.VirtualThread} resolves it.
 */
public final class MountBridge {

  private static final String WHY = "virtual threads are not followed onto their carriers: ";

  /** Why listening failed; null when it did not. */
  private static volatile String listenFailure;

  private MountBridge() {}

  /** True on a JVM with virtual threads (JDK 21+). */
  public static boolean jvmHasVirtualThreads() {
    return Runtime.version().feature() >= 21;
  }

  /** The bridge is there on a JVM with virtual threads. */
  public static boolean installed() {
    return jvmHasVirtualThreads() && BootstrapBridge.installed();
  }

  /** Why samples cannot follow virtual threads here, or null. */
  public static String unavailable() {
    if (listenFailure != null) {
      return listenFailure;
    }
    String failure = BootstrapBridge.failure();
    return failure == null ? null : WHY + failure;
  }

  /** Connects the listeners; false (with the reason kept) when the bridge is not there. */
  public static boolean listen(
      BiConsumer<Thread, Thread> onMount, BiConsumer<Thread, Thread> onUnmount) {
    Class<?> b =
        jvmHasVirtualThreads() ? BootstrapBridge.hook(BootstrapBridge.VIRTUAL_THREAD_MOUNTS) : null;
    if (b == null) {
      return false;
    }
    try {
      b.getField("onMount").set(null, onMount);
      b.getField("onUnmount").set(null, onUnmount);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      listenFailure = WHY + e;
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
