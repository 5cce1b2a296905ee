package dev.jobtrace.export;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The spans an exporter has taken and not yet delivered, bounded by count and by (estimated) bytes.
 * Spans worth keeping ({@link #worthKeeping}: job and step spans, composite spans, spans with a
 * finding, a profile or an error) and the others are kept apart; when a bound is reached the oldest
 * other span is shed first, and only when none is left is a new span worth keeping refused. Not
 * thread-safe: {@link BufferingExporter} guards it.
 */
final class OutageBuffer {

  /** A held span and what it weighs. */
  record Held(SpanData span, long bytes, boolean kept) {}

  private final int maxSpans;
  private final long maxBytes;
  private final ArrayDeque<Held> kept = new ArrayDeque<>();
  private final ArrayDeque<Held> other = new ArrayDeque<>();
  private long bytes;
  private long shedOther;
  private long shedKept;

  OutageBuffer(int maxSpans, long maxBytes) {
    this.maxSpans = maxSpans;
    this.maxBytes = maxBytes;
  }

  /** Holds a span the exporter took, making room by shedding as the class says. */
  void add(SpanData span) {
    Held held = new Held(span, estimatedBytes(span), worthKeeping(span));
    if (!makeRoomFor(held)) {
      if (held.kept) {
        shedKept++;
      } else {
        shedOther++;
      }
      return;
    }
    (held.kept ? kept : other).addLast(held);
    bytes += held.bytes;
  }

  /** Room for one more span of this weight, shedding the oldest other spans for it. */
  private boolean makeRoomFor(Held held) {
    while (size() + 1 > maxSpans || bytes + held.bytes > maxBytes) {
      if (other.isEmpty()) {
        return false;
      }
      bytes -= other.removeFirst().bytes;
      shedOther++;
    }
    return true;
  }

  /** Up to {@code max} held spans, those worth keeping first, taken out of the buffer. */
  List<Held> take(int max) {
    List<Held> batch = new ArrayList<>(Math.min(max, size()));
    while (batch.size() < max && !kept.isEmpty()) {
      batch.add(kept.removeFirst());
    }
    while (batch.size() < max && !other.isEmpty()) {
      batch.add(other.removeFirst());
    }
    for (Held h : batch) {
      bytes -= h.bytes;
    }
    return batch;
  }

  /**
   * Puts back a batch that could not be delivered, ahead of what arrived since, then sheds down to
   * the bounds again: the oldest other spans first, then the newest spans worth keeping.
   */
  void putBack(List<Held> batch) {
    for (int i = batch.size() - 1; i >= 0; i--) {
      Held h = batch.get(i);
      (h.kept ? kept : other).addFirst(h);
      bytes += h.bytes;
    }
    while ((size() > maxSpans || bytes > maxBytes) && !other.isEmpty()) {
      bytes -= other.removeFirst().bytes;
      shedOther++;
    }
    while ((size() > maxSpans || bytes > maxBytes) && !kept.isEmpty()) {
      bytes -= kept.removeLast().bytes;
      shedKept++;
    }
  }

  int size() {
    return kept.size() + other.size();
  }

  long bytes() {
    return bytes;
  }

  /** Spans not worth keeping shed so far, for as long as the exporter has run. */
  long shedOther() {
    return shedOther;
  }

  /** Spans worth keeping refused so far (the buffer was full of them). */
  long shedKept() {
    return shedKept;
  }

  /**
   * A span whose loss would lose the job's story: the job span and its steps, composite spans, a
   * job's keep marker, and any span with a finding, a profile or an error.
   */
  static boolean worthKeeping(SpanData span) {
    Attributes a = span.getAttributes();
    if (a.get(SpanContract.JOB_NAME) != null
        || a.get(SpanContract.STEP_NAME) != null
        || a.get(SpanContract.COMPOSITE_COUNT) != null
        || a.get(SpanContract.KEEP) != null
        || a.get(SpanContract.PROFILE_ID) != null
        || a.get(SpanContract.FINDINGS) != null
        || span.getStatus().getStatusCode() == StatusCode.ERROR) {
      return true;
    }
    for (EventData e : span.getEvents()) {
      if (e.getName().equals(SpanContract.FINDING_EVENT)
          || e.getName().equals(SpanContract.PROFILE_EVENT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * About what the span takes on the heap and on the wire: a fixed part, its name, and each
   * attribute's key and value (events' and links' too). Strings count a byte a character, as the
   * JVM's compact strings and OTLP's UTF-8 hold the ASCII that spans mostly carry.
   */
  static long estimatedBytes(SpanData span) {
    long n = 200 + span.getName().length() + attributesBytes(span.getAttributes());
    for (EventData e : span.getEvents()) {
      n += 48 + e.getName().length() + attributesBytes(e.getAttributes());
    }
    n += 64L * span.getLinks().size();
    return n;
  }

  private static long attributesBytes(Attributes attributes) {
    long[] n = {0};
    attributes.forEach((key, value) -> n[0] += 32 + key.getKey().length() + valueBytes(value));
    return n[0];
  }

  private static long valueBytes(Object value) {
    if (value instanceof String s) {
      return s.length();
    }
    if (value instanceof List<?> list) {
      long n = 16;
      for (Object item : list) {
        n += 8 + (item instanceof String s ? s.length() : 8);
      }
      return n;
    }
    return 8;
  }
}
