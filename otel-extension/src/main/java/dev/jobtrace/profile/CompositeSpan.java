package dev.jobtrace.profile;

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

  static final AttributeKey<Long> COUNT = AttributeKey.longKey("jobtrace.composite.count");
  static final AttributeKey<Long> SUM_MS = AttributeKey.longKey("jobtrace.composite.sum_ms");
  /** Calls of the same run that failed; each left as its own span, with its error. */
  static final AttributeKey<Long> FAILED = AttributeKey.longKey("jobtrace.composite.failed");
  /** The shape the calls share ({@code GET user:{id}}). */
  static final AttributeKey<String> SHAPE = AttributeKey.stringKey("jobtrace.composite.shape");
  /** How many distinct statements the calls had (at most {@link CallCompressor#MAX_DISTINCT}). */
  static final AttributeKey<Long> DISTINCT = AttributeKey.longKey("jobtrace.composite.distinct");
  /** A few of those statements, as recorded. */
  static final AttributeKey<List<String>> EXAMPLES = AttributeKey.stringArrayKey("jobtrace.composite.examples");

  private final SpanContext context;
  private final String name;
  private final Attributes attributes;
  private final long startEpochNanos;
  private final long endEpochNanos;

  private CompositeSpan(
      ReadableSpan first, SpanContext context, String name, Attributes attributes, long start, long end) {
    super(first);
    this.context = context;
    this.name = name;
    this.attributes = attributes;
    this.startEpochNanos = start;
    this.endEpochNanos = end;
  }

  static CompositeSpan of(
      ReadableSpan first, String kind, String shape, List<String> examples, int distinct, long count, long failed,
      long sumNanos, long start, long end) {
    SpanContext ctx = first.getSpanContext();
    SpanContext composite =
        SpanContext.create(ctx.getTraceId(), IdGenerator.random().generateSpanId(), ctx.getTraceFlags(), ctx.getTraceState());
    String name = kind + " " + first.getName() + " ×" + count;
    AttributesBuilder builder =
        first.toSpanData().getAttributes().toBuilder().put(COUNT, count).put(SUM_MS, sumNanos / 1_000_000)
            .put(DISTINCT, (long) distinct).put(EXAMPLES, List.copyOf(examples));
    if (shape != null) {
      builder.put(SHAPE, shape);
    }
    if (failed > 0) {
      builder.put(FAILED, failed);
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
