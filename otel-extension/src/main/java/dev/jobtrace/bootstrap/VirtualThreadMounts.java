package dev.jobtrace.bootstrap;

import java.util.function.BiConsumer;

/**
 * Loaded by the bootstrap class loader, where {@code java.lang.VirtualThread} can call it: the
 * advice in its {@code mount()} and {@code unmount()} reports here, and jobtrace listens. Uses JDK
 * types only, so the listener can be set from jobtrace's own class loader by reflection.
 */
public final class VirtualThreadMounts {

  /** (virtual thread, carrier): the virtual thread now runs on the carrier. */
  public static volatile BiConsumer<Thread, Thread> onMount;

  /** (virtual thread, carrier): the virtual thread is about to leave the carrier. */
  public static volatile BiConsumer<Thread, Thread> onUnmount;

  private VirtualThreadMounts() {}

  public static void mounted(Thread virtualThread, Thread carrier) {
    BiConsumer<Thread, Thread> listener = onMount;
    if (listener != null) {
      listener.accept(virtualThread, carrier);
    }
  }

  public static void unmounting(Thread virtualThread, Thread carrier) {
    BiConsumer<Thread, Thread> listener = onUnmount;
    if (listener != null) {
      listener.accept(virtualThread, carrier);
    }
  }
}
