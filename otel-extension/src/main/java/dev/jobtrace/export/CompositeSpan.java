package dev.jobtrace.export;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;

/** Many identical consecutive calls exported as one span that says how many and how long. */
final class CompositeSpan extends ExportedCopy {

  private final SpanContext context;
  private final String name;
  private final Attributes attributes;
  private final long startEpochNanos;
  private final long endEpochNanos;

  private CompositeSpan(
      ReadableSpan first,
      SpanContext context,
      String name,
      Attributes attributes,
      long start,
      long end) {
    super(first);
    this.context = context;
    this.name = name;
    this.attributes = attributes;
    this.startEpochNanos = start;
    this.endEpochNanos = end;
  }

  static CompositeSpan of(
      ReadableSpan first,
      String kind,
      String shape,
      List<String> examples,
      int distinct,
      long count,
      long failed,
      long sumNanos,
      long start,
      long end) {
    SpanContext ctx = first.getSpanContext();
    SpanContext composite =
        SpanContext.create(
            ctx.getTraceId(),
            IdGenerator.random().generateSpanId(),
            ctx.getTraceFlags(),
            ctx.getTraceState());
    String name = kind + " " + first.getName() + " ×" + count;
    AttributesBuilder builder =
        first.toSpanData().getAttributes().toBuilder()
            .put(SpanContract.COMPOSITE_COUNT, count)
            .put(SpanContract.COMPOSITE_SUM_MS, sumNanos / 1_000_000)
            .put(SpanContract.COMPOSITE_DISTINCT, (long) distinct)
            .put(SpanContract.COMPOSITE_EXAMPLES, List.copyOf(examples));
    if (shape != null) {
      builder.put(SpanContract.COMPOSITE_SHAPE, shape);
    }
    if (failed > 0) {
      builder.put(SpanContract.COMPOSITE_FAILED, failed);
    }
    Attributes attributes = builder.build();
    return new CompositeSpan(first, composite, name, attributes, start, end);
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
      public String getName() {
        return name;
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
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public int getTotalAttributeCount() {
        return attributes.size();
      }
    };
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public String getName() {
    return name;
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
