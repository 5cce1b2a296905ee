package dev.jobtrace.calls;

import dev.jobtrace.BootstrapBridge;
import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.function.BiConsumer;

/**
 * Puts the timeouts a JDBC statement or an HTTP request is made with on its client span ({@link
 * SpanContract#CALL_TIMEOUT_MS}, {@link SpanContract#CALL_CONNECT_TIMEOUT_MS}), as the advice in
 * {@link CallTimeoutsInstrumentationModule} reports them through the bootstrap hook.
 */
public final class CallTimeoutTags {

  private static final BiConsumer<Long, Long> TAG = CallTimeoutTags::tag;

  private CallTimeoutTags() {}

  /** Connects to the bootstrap hook; false when it is not there. */
  public static boolean listen() {
    Class<?> hook = BootstrapBridge.hook(BootstrapBridge.CALL_TIMEOUTS);
    if (hook == null) {
      return false;
    }
    try {
      hook.getField("onCall").set(null, TAG);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** On the application's thread, inside the call: never throws. */
  static void tag(Long timeoutMillis, Long connectTimeoutMillis) {
    try {
      Span span = Span.current();
      if (!(span instanceof ReadableSpan)) {
        return;
      }
      ReadableSpan readable = (ReadableSpan) span;
      // The advice runs inside the instrumentation's client span; anything else is not the call's.
      if (readable.getKind() != SpanKind.CLIENT || readable.hasEnded() || timeoutMillis == null) {
        return;
      }
      span.setAttribute(SpanContract.CALL_TIMEOUT_MS, timeoutMillis);
      if (connectTimeoutMillis != null) {
        span.setAttribute(SpanContract.CALL_CONNECT_TIMEOUT_MS, connectTimeoutMillis);
      }
    } catch (Throwable t) {
      // Less telemetry, never an error in the application's call.
    }
  }
}
