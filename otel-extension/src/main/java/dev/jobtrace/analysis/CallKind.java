package dev.jobtrace.analysis;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.ReadableSpan;

/** What a job waits on. The order is the precedence when calls of several kinds overlap. */
public enum CallKind {
  DB("db"),
  REDIS("redis"),
  HTTP("http");

  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  static final AttributeKey<String> DB_SYSTEM_NAME = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_METHOD_OLD = AttributeKey.stringKey("http.method");

  public final String label;

  CallKind(String label) {
    this.label = label;
  }

  /** The kind of an outgoing call, or null for spans that are not calls. */
  public static CallKind of(ReadableSpan span) {
    if (span.getKind() != SpanKind.CLIENT) {
      return null;
    }
    String db = span.getAttribute(DB_SYSTEM_NAME);
    if (db == null) {
      db = span.getAttribute(DB_SYSTEM);
    }
    if (db != null) {
      return db.equals("redis") ? REDIS : DB;
    }
    if (span.getAttribute(HTTP_METHOD) != null || span.getAttribute(HTTP_METHOD_OLD) != null) {
      return HTTP;
    }
    return null;
  }
}
