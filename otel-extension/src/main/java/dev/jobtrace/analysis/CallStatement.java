package dev.jobtrace.analysis;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.util.ArrayList;
import java.util.List;

/**
 * A call's shape: the normalized text that makes two calls "the same call", for findings and
 * compression alike. Redis: the command and its key pattern, ids in keys as {@code {id}} ({@code
 * GET user:{id}}). SQL: as the agent sanitizes it, with {@code IN (?, ?, ...)} lists of any length
 * as one. HTTP: method and URL template. Shaping scans characters; it compiles and matches no
 * regular expression per call.
 */
public final class CallStatement {

  static final AttributeKey<String> QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.statement");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
  static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");

  /** Statements are cut to this many characters. */
  static final int MAX_LENGTH = 1000;

  private CallStatement() {}

  public static String of(ReadableSpan span, CallKind kind, KeyPatterns ids) {
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
      String template = span.getAttribute(URL_TEMPLATE);
      if (url != null && template != null && template.startsWith("/")) {
        // The instrumentation knows the route the call was made for: scheme, host and port of the
        // URL with that template as the path.
        text = method + " " + origin(url) + template;
      } else {
        text = method + " " + (url == null ? span.getName() : httpTemplate(url));
      }
    } else {
      text = raw(span);
      text = kind == CallKind.REDIS ? redisShape(text, ids) : inListsAsOne(text);
    }
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
  }

  /** The statement as the instrumentation recorded it (the agent has sanitized its values). */
  public static String raw(ReadableSpan span) {
    String text = span.getAttribute(QUERY_TEXT);
    if (text == null) {
      text = span.getAttribute(DB_STATEMENT);
    }
    return text != null ? text : span.getName();
  }

  /**
   * Commands whose arguments are all keys: shaped as the command, the first key's pattern and the
   * count.
   */
  private static final String[] MULTI_KEY = {
    "MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "WATCH", "SINTER", "SUNION", "SDIFF"
  };

  /**
   * {@code GET user:10001} to {@code GET user:{id}}, {@code HGET prefs:10001 lang} to {@code HGET
   * prefs:{id} lang}, {@code MGET user:1 user:2 user:3} to {@code MGET user:{id} (3 keys)}. Every
   * argument is shaped as a key: ids become {@code {id}}, words stay, and the agent has already
   * replaced values by {@code ?}.
   */
  static String redisShape(String statement, KeyPatterns ids) {
    List<String> words = words(statement);
    if (words.size() < 2) {
      return statement;
    }
    String command = words.get(0);
    for (String multi : MULTI_KEY) {
      if (multi.equalsIgnoreCase(command) && words.size() > 2) {
        return command + " " + keyPattern(words.get(1), ids) + " (" + (words.size() - 1) + " keys)";
      }
    }
    StringBuilder out = new StringBuilder(statement.length()).append(command);
    for (int i = 1; i < words.size(); i++) {
      out.append(' ').append(keyPattern(words.get(i), ids));
    }
    return out.toString();
  }

  /** The statement's words, split on runs of spaces (without a regular expression). */
  static List<String> words(String statement) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = statement.length();
    while (i < n) {
      while (i < n && statement.charAt(i) == ' ') {
        i++;
      }
      int end = statement.indexOf(' ', i);
      if (end < 0) {
        end = n;
      }
      if (end > i) {
        words.add(statement.substring(i, end));
      }
      i = end;
    }
    return words;
  }

  /**
   * A key with its id-like segments (split on {@code : / . - _}) replaced by {@code {id}}; ids
   * joined by {@code - . _} (a UUID, a date) are one {@code {id}}. {@code config:eu} stays itself.
   */
  static String keyPattern(String key, KeyPatterns ids) {
    StringBuilder out = new StringBuilder(key.length());
    int i = 0;
    boolean lastWasId = false;
    char separator = 0; // the one before the segment at i
    while (true) {
      int end;
      boolean id;
      if (isUuidAt(key, i)) {
        end = i + 36;
        id = true;
      } else {
        end = i;
        while (end < key.length() && !isSeparator(key.charAt(end))) {
          end++;
        }
        id = isKeyId(key, i, end) || (end > i && ids.matches(key, i, end));
      }
      boolean sameId = id && lastWasId && separator != ':' && separator != '/';
      if (!sameId) {
        if (separator != 0) {
          out.append(separator);
        }
        if (id) {
          out.append("{id}");
        } else {
          out.append(key, i, end);
        }
      }
      lastWasId = id;
      if (end >= key.length()) {
        return out.toString();
      }
      separator = key.charAt(end);
      i = end + 1;
    }
  }

  private static boolean isSeparator(char c) {
    return c == ':' || c == '/' || c == '.' || c == '-' || c == '_';
  }

  /** A UUID (8-4-4-4-12 hex digits) at {@code at}, ending the key or followed by a separator. */
  private static boolean isUuidAt(String key, int at) {
    if (at + 36 > key.length() || (at + 36 < key.length() && !isSeparator(key.charAt(at + 36)))) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = key.charAt(at + i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (dash ? c != '-' : !hex) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code key[from, to)} is an id: all digits; hex of 8 or more with a digit; at least 4
   * digits among letters ({@code u12345}); or an opaque token of 16 or more letters and digits
   * mixed (base64-like). Words ({@code eu}, {@code v2}, {@code lang}) are not.
   */
  static boolean isKeyId(String key, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return false;
    }
    int digits = 0;
    int hex = 0;
    int alnum = 0;
    for (int i = from; i < to; i++) {
      char c = key.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        hex++;
        alnum++;
      } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        hex++;
        alnum++;
      } else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '+' || c == '=') {
        alnum++;
      } else {
        return false;
      }
    }
    return digits == length
        || (hex == length && length >= 8 && digits > 0)
        || (digits >= 4 && alnum == length)
        || (length >= 16 && alnum == length && digits > 0);
  }

  /** {@code IN (?, ?, ?)} of any length, as the agent's sanitizer leaves it, to {@code IN (?)}. */
  static String inListsAsOne(String sql) {
    int at = sql.indexOf("?,");
    if (at < 0) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '(') {
        int j = i + 1;
        int marks = 0;
        boolean list = true;
        while (j < sql.length() && sql.charAt(j) != ')') {
          char d = sql.charAt(j);
          if (d == '?') {
            marks++;
          } else if (d != ',' && d != ' ') {
            list = false;
            break;
          }
          j++;
        }
        if (list && marks > 1 && j < sql.length()) {
          out.append("(?)");
          i = j + 1;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** {@code http://host:port} of a URL. */
  static String origin(String url) {
    int pathStart = url.indexOf('/', url.indexOf("//") + 2);
    int query = url.indexOf('?');
    int end = pathStart >= 0 ? pathStart : query >= 0 ? query : url.length();
    return url.substring(0, end);
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
