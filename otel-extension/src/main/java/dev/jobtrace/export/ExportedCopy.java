package dev.jobtrace.export;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;

/**
 * An ended span as jobtrace hands it to the exporter: based on a real span, changed where it says.
 */
@SuppressWarnings("deprecation") // ReadableSpan still requires getInstrumentationLibraryInfo
abstract class ExportedCopy implements ReadableSpan {

  protected final ReadableSpan span;

  ExportedCopy(ReadableSpan span) {
    this.span = span;
  }

  @Override
  public SpanContext getSpanContext() {
    return span.getSpanContext();
  }

  @Override
  public SpanContext getParentSpanContext() {
    return span.getParentSpanContext();
  }

  @Override
  public String getName() {
    return span.getName();
  }

  @Override
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return span.getInstrumentationLibraryInfo();
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return span.getInstrumentationScopeInfo();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return span.getLatencyNanos();
  }

  @Override
  public SpanKind getKind() {
    return span.getKind();
  }
}
