package dev.jobtrace.testing;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** One span as it arrived over OTLP, with accessors for what the tests check. */
public final class ExportedSpan {
  public final String service;
  public final String scope;
  public final Span span;

  ExportedSpan(String service, String scope, Span span) {
    this.service = service;
    this.scope = scope;
    this.span = span;
  }

  public String name() {
    return span.getName();
  }

  public String traceId() {
    return hex(span.getTraceId().toByteArray());
  }

  public String spanId() {
    return hex(span.getSpanId().toByteArray());
  }

  public String parentSpanId() {
    return hex(span.getParentSpanId().toByteArray());
  }

  public Span.SpanKind kind() {
    return span.getKind();
  }

  public String attr(String key) {
    AnyValue v = value(span.getAttributesList(), key);
    if (v == null) {
      return null;
    }
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case INT_VALUE:
        return Long.toString(v.getIntValue());
      case BOOL_VALUE:
        return Boolean.toString(v.getBoolValue());
      case DOUBLE_VALUE:
        return Double.toString(v.getDoubleValue());
      default:
        return v.toString();
    }
  }

  public Long longAttr(String key) {
    AnyValue v = value(span.getAttributesList(), key);
    return v == null || !v.hasIntValue() ? null : v.getIntValue();
  }

  /** The strings of an array attribute; empty when there is none. */
  public List<String> attrList(String key) {
    AnyValue v = value(span.getAttributesList(), key);
    if (v == null || !v.hasArrayValue()) {
      return List.of();
    }
    return v.getArrayValue().getValuesList().stream()
        .map(AnyValue::getStringValue)
        .collect(Collectors.toList());
  }

  public boolean isError() {
    return span.getStatus().getCode()
        == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
  }

  public long durationMillis() {
    return durationNanos() / 1_000_000;
  }

  public long durationNanos() {
    return span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
  }

  public static AnyValue value(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    return null;
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String toString() {
    return name()
        + " ["
        + scope
        + "] trace="
        + traceId()
        + " span="
        + spanId()
        + " parent="
        + parentSpanId();
  }
}
