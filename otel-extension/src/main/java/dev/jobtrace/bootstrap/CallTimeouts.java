package dev.jobtrace.bootstrap;

import java.util.function.BiConsumer;

/**
 * Loaded by the bootstrap class loader, where a JDBC driver's statements and the JDK's HTTP client
 * can call it: the advice in their execute and send methods reports the call's timeouts here, on
 * the thread making the call, and jobtrace listens. Uses JDK types only, so the listener can be set
 * from jobtrace's own class loader by reflection.
 */
public final class CallTimeouts {

  /**
   * (timeout ms, connect timeout ms or null where the call has no such thing): a call is being made
   * on this thread with these timeouts, 0 meaning none.
   */
  public static volatile BiConsumer<Long, Long> onCall;

  private CallTimeouts() {}

  /** A JDBC statement executes with this query timeout (seconds, 0 for none). */
  public static void jdbc(int queryTimeoutSeconds) {
    BiConsumer<Long, Long> listener = onCall;
    if (listener != null) {
      listener.accept(Math.max(0, queryTimeoutSeconds) * 1000L, null);
    }
  }

  /** An HTTP request is sent with these timeouts (milliseconds, 0 for none). */
  public static void http(long requestTimeoutMillis, long connectTimeoutMillis) {
    BiConsumer<Long, Long> listener = onCall;
    if (listener != null) {
      listener.accept(requestTimeoutMillis, connectTimeoutMillis);
    }
  }
}
