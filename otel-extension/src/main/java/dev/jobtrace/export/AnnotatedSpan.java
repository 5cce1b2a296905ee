package dev.jobtrace.export;

import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.profiler.ProfileSnippet;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ended span as exported, with jobtrace's attributes and events added. */
public final class AnnotatedSpan extends ExportedCopy {

  private final Attributes extra;
  private final List<EventData> events;

  public AnnotatedSpan(ReadableSpan span, Attributes extra, List<EventData> events) {
    super(span);
    this.extra = extra;
    this.events = events;
  }

  public static void addProfile(
      ReadableSpan span,
      ProfileSnippet snippet,
      AttributesBuilder attributes,
      List<EventData> events) {
    SpanContext ctx = span.getSpanContext();
    attributes
        .put(SpanContract.PROFILE_ID, ctx.getTraceId() + "-" + ctx.getSpanId())
        .put(SpanContract.PROFILE_SAMPLES, snippet.samples)
        .put(SpanContract.PROFILE_HOT, snippet.hot);
    events.add(
        EventData.create(
            eventNanos(span),
            SpanContract.PROFILE_EVENT,
            snippet.timeline == null
                ? Attributes.of(SpanContract.PROFILE_FOLDED, snippet.encoded)
                : Attributes.of(
                    SpanContract.PROFILE_FOLDED,
                    snippet.encoded,
                    SpanContract.PROFILE_TIMELINE,
                    snippet.timeline)));
  }

  /**
   * When jobtrace's events on a span happen: at its end, as a viewer that keeps microseconds shows
   * it. Jaeger truncates the start and the duration to microseconds separately, so an event stamped
   * at the span's end in nanoseconds can fall a microsecond after the end it draws, and its UI then
   * hides the event as outside the span.
   */
  public static long eventNanos(ReadableSpan span) {
    SpanData data = span.toSpanData();
    long start = data.getStartEpochNanos();
    long shownDuration = Math.max(0, data.getEndEpochNanos() - start) / 1_000 * 1_000;
    return Math.floorDiv(start, 1_000) * 1_000 + shownDuration;
  }

  public static AnnotatedSpan withError(ReadableSpan span, String error) {
    return new AnnotatedSpan(
        span, Attributes.of(SpanContract.PROFILE_ERROR, error), Collections.emptyList());
  }

  @Override
  public SpanData toSpanData() {
    SpanData data = span.toSpanData();
    Attributes attributes = data.getAttributes().toBuilder().putAll(extra).build();
    List<EventData> finalEvents = data.getEvents();
    if (!events.isEmpty()) {
      finalEvents = new ArrayList<>(finalEvents);
      finalEvents.addAll(events);
    }
    List<EventData> all = finalEvents;
    return new DelegatingSpanData(data) {
      @Override
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public int getTotalAttributeCount() {
        return data.getTotalAttributeCount() + extra.size();
      }

      @Override
      public List<EventData> getEvents() {
        return all;
      }

      @Override
      public int getTotalRecordedEvents() {
        return data.getTotalRecordedEvents() + events.size();
      }
    };
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    T value = extra.get(key);
    return value != null ? value : span.getAttribute(key);
  }
}
