package dev.jobtrace.analysis;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;

/** The normalized text that makes two calls "the same call". */
public final class CallStatement {

  static final AttributeKey<String> QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
  /** Statements are cut to this many characters. */
  static final int MAX_LENGTH = 1000;

  private CallStatement() {}

  public static String of(ReadableSpan span, CallKind kind) {
    String text;
    if (kind == CallKind.HTTP) {
      String method = span.getAttribute(CallKind.HTTP_METHOD);
      if (method == null) {
        method = span.getAttribute(CallKind.HTTP_METHOD_OLD);
      }
      String url = span.getAttribute(URL_FULL);
      if (url == null) {
        url = span.getAttribute(HTTP_URL);
      }
      text = method + " " + (url == null ? span.getName() : httpTemplate(url));
    } else {
      text = span.getAttribute(QUERY_TEXT);
      if (text == null) {
        text = span.getAttribute(DB_STATEMENT);
      }
      if (text == null) {
        text = span.getName();
      }
    }
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
  }

  /** Query dropped, numeric and id-like path segments replaced by {id}. */
  static String httpTemplate(String url) {
    int q = url.indexOf('?');
    if (q >= 0) {
      url = url.substring(0, q);
    }
    int pathStart = url.indexOf('/', url.indexOf("//") + 2);
    if (pathStart < 0) {
      return url;
    }
    StringBuilder out = new StringBuilder(url.substring(0, pathStart));
    for (String segment : url.substring(pathStart + 1).split("/", -1)) {
      out.append('/');
      out.append(isId(segment) ? "{id}" : segment);
    }
    return out.toString();
  }

  static boolean isId(String segment) {
    if (segment.isEmpty()) {
      return false;
    }
    int digits = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (Character.isDigit(c)) {
        digits++;
      } else if (!(c == '-' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return digits > 0;
  }
}
