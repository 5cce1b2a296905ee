package dev.jobtrace.export;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * A span jobtrace makes itself, in the trace of a real span whose resource and scope it shares: its
 * own id, parent, name, attributes and times. A bare one is an internal span with nothing else;
 * otherwise kind, status, events and links are the real span's.
 */
abstract class MadeSpan extends ExportedCopy {

  private final SpanContext context;
  private final SpanContext parent;
  private final String name;
  private final Attributes attributes;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final boolean bare;

  MadeSpan(
      ReadableSpan basis,
      SpanContext parent,
      String name,
      Attributes attributes,
      long start,
      long end,
      boolean bare) {
    super(basis);
    SpanContext ctx = basis.getSpanContext();
    this.context =
        SpanContext.create(
            ctx.getTraceId(),
            IdGenerator.random().generateSpanId(),
            ctx.getTraceFlags(),
            ctx.getTraceState());
    this.parent = parent;
    this.name = name;
    this.attributes = attributes;
    this.startEpochNanos = start;
    this.endEpochNanos = end;
    this.bare = bare;
  }

  @Override
  public SpanData toSpanData() {
    SpanData data = span.toSpanData();
    return new DelegatingSpanData(data) {
      @Override
      public SpanContext getSpanContext() {
        return context;
      }

      @Override
      public String getSpanId() {
        return context.getSpanId();
      }

      @Override
      public SpanContext getParentSpanContext() {
        return parent;
      }

      @Override
      public String getParentSpanId() {
        return parent.getSpanId();
      }

      @Override
      public String getName() {
        return name;
      }

      @Override
      public SpanKind getKind() {
        return MadeSpan.this.getKind();
      }

      @Override
      public long getStartEpochNanos() {
        return startEpochNanos;
      }

      @Override
      public long getEndEpochNanos() {
        return endEpochNanos;
      }

      @Override
      public boolean hasEnded() {
        return true;
      }

      @Override
      public StatusData getStatus() {
        return bare ? StatusData.unset() : data.getStatus();
      }

      @Override
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public int getTotalAttributeCount() {
        return attributes.size();
      }

      @Override
      public List<EventData> getEvents() {
        return bare ? List.of() : data.getEvents();
      }

      @Override
      public int getTotalRecordedEvents() {
        return bare ? 0 : data.getTotalRecordedEvents();
      }

      @Override
      public List<LinkData> getLinks() {
        return bare ? List.of() : data.getLinks();
      }

      @Override
      public int getTotalRecordedLinks() {
        return bare ? 0 : data.getTotalRecordedLinks();
      }
    };
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return bare ? SpanKind.INTERNAL : span.getKind();
  }

  @Override
  public long getLatencyNanos() {
    return endEpochNanos - startEpochNanos;
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return attributes.get(key);
  }
}
