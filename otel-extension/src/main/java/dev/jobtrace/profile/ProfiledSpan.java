package dev.jobtrace.profile;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;

/** An ended span as exported with its profile attributes and event added. */
@SuppressWarnings("deprecation") // ReadableSpan still requires getInstrumentationLibraryInfo
final class ProfiledSpan implements ReadableSpan {

  static final AttributeKey<String> PROFILE_ID = AttributeKey.stringKey("jobtrace.profile.id");
  static final AttributeKey<Long> PROFILE_SAMPLES = AttributeKey.longKey("jobtrace.profile.samples");
  static final AttributeKey<String> PROFILE_HOT = AttributeKey.stringKey("jobtrace.profile.hot");
  static final AttributeKey<String> PROFILE_ERROR = AttributeKey.stringKey("jobtrace.profile.error");
  static final AttributeKey<String> PROFILE_FOLDED = AttributeKey.stringKey("jobtrace.profile.folded");
  static final String PROFILE_EVENT = "jobtrace.profile";

  private final ReadableSpan span;
  private final Attributes extra;
  private final EventData event;

  private ProfiledSpan(ReadableSpan span, Attributes extra, EventData event) {
    this.span = span;
    this.extra = extra;
    this.event = event;
  }

  static ProfiledSpan withProfile(ReadableSpan span, ProfileSnippet snippet) {
    SpanContext ctx = span.getSpanContext();
    Attributes extra =
        Attributes.of(
            PROFILE_ID, ctx.getTraceId() + "-" + ctx.getSpanId(),
            PROFILE_SAMPLES, snippet.samples,
            PROFILE_HOT, snippet.hot);
    long at = span.toSpanData().getEndEpochNanos();
    return new ProfiledSpan(
        span, extra, EventData.create(at, PROFILE_EVENT, Attributes.of(PROFILE_FOLDED, snippet.encoded)));
  }

  static ProfiledSpan withError(ReadableSpan span, String error) {
    return new ProfiledSpan(span, Attributes.of(PROFILE_ERROR, error), null);
  }

  @Override
  public SpanData toSpanData() {
    SpanData data = span.toSpanData();
    Attributes attributes = data.getAttributes().toBuilder().putAll(extra).build();
    List<EventData> events = data.getEvents();
    if (event != null) {
      events = new ArrayList<>(events);
      events.add(event);
    }
    List<EventData> finalEvents = events;
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
        return finalEvents;
      }

      @Override
      public int getTotalRecordedEvents() {
        return data.getTotalRecordedEvents() + (event == null ? 0 : 1);
      }
    };
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

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    T value = extra.get(key);
    return value != null ? value : span.getAttribute(key);
  }
}
