package dev.jobtrace.linker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobtrace.contract.SpanContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One span of a trace read from Jaeger's OTLP JSON: what the pages show and the end-to-end suite
 * checks.
 */
public final class TraceSpan {
  public final String service;
  public final String traceId;
  public final String spanId;
  public final String parentSpanId;
  public final String name;

  /**
   * {@code INTERNAL}, {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER} or empty.
   */
  public final String kind;

  public final long startNanos;
  public final long endNanos;
  public final Map<String, String> attributes;
  public final List<Event> events;

  TraceSpan(String service, JsonNode span) {
    this.service = service;
    this.traceId = span.path("traceId").asText("").toLowerCase(Locale.ROOT);
    this.spanId = span.path("spanId").asText("").toLowerCase(Locale.ROOT);
    this.parentSpanId = span.path("parentSpanId").asText("").toLowerCase(Locale.ROOT);
    this.name = span.path("name").asText("");
    this.kind = kind(span.path("kind").asText(""));
    this.startNanos = span.path("startTimeUnixNano").asLong();
    this.endNanos = span.path("endTimeUnixNano").asLong();
    this.attributes = attributes(span.path("attributes"));
    this.events = new ArrayList<>();
    for (JsonNode e : span.path("events")) {
      events.add(new Event(e.path("name").asText(""), attributes(e.path("attributes"))));
    }
  }

  /** OTLP JSON writes the kind as its enum name or its number. */
  static String kind(String otlp) {
    String[] byNumber = {"", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
    if (otlp.length() == 1 && Character.isDigit(otlp.charAt(0))) {
      int n = otlp.charAt(0) - '0';
      return n < byNumber.length ? byNumber[n] : "";
    }
    return otlp.replace("SPAN_KIND_", "").replace("UNSPECIFIED", "");
  }

  static Map<String, String> attributes(JsonNode list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      JsonNode v = kv.path("value");
      String text;
      if (v.has("stringValue")) {
        text = v.get("stringValue").asText();
      } else if (v.has("intValue")) {
        text = v.get("intValue").asText();
      } else if (v.has("doubleValue")) {
        text = v.get("doubleValue").asText();
      } else if (v.has("boolValue")) {
        text = v.get("boolValue").asText();
      } else {
        text = v.toString();
      }
      out.put(kv.path("key").asText(), text);
    }
    return out;
  }

  public long durationMillis() {
    return Math.max(0, (endNanos - startNanos) / 1_000_000);
  }

  public String attr(String key) {
    return attributes.get(key);
  }

  /** An integer attribute, or -1 when the span has none. */
  public long longAttr(String key) {
    String v = attributes.get(key);
    return v == null ? -1 : Long.parseLong(v);
  }

  /** The kinds of the span's findings, most costly first. */
  public List<String> findingKinds() {
    List<String> kinds = new ArrayList<>();
    for (Event e : events(SpanContract.FINDING_EVENT)) {
      kinds.add(e.attributes.get(SpanContract.FINDING_KIND.getKey()));
    }
    return kinds;
  }

  @Override
  public String toString() {
    return service + ":" + name + "(" + kind + ")";
  }

  /** The first event of that name, or null. */
  public Event event(String name) {
    for (Event e : events) {
      if (e.name.equals(name)) {
        return e;
      }
    }
    return null;
  }

  public List<Event> events(String name) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e.name.equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  /** A span event: its name and its attributes as text. */
  public record Event(String name, Map<String, String> attributes) {}
}
