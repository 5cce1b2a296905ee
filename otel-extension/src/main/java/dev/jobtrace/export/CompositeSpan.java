package dev.jobtrace.export;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.List;

/** Many identical consecutive calls exported as one span that says how many and how long. */
final class CompositeSpan extends MadeSpan {

  private CompositeSpan(
      ReadableSpan first, String name, Attributes attributes, long start, long end) {
    super(first, first.getParentSpanContext(), name, attributes, start, end, false);
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
    return new CompositeSpan(first, name, builder.build(), start, end);
  }
}
