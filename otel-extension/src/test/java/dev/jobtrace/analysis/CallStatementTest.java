package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CallStatementTest {

  @Test
  void redisKeysWithIdsShareOneShape() {
    assertThat(CallStatement.redisShape("GET user:10001", KeyPatterns.NONE))
        .isEqualTo("GET user:{id}");
    assertThat(CallStatement.redisShape("GET user:10002", KeyPatterns.NONE))
        .isEqualTo("GET user:{id}");
    assertThat(CallStatement.redisShape("HGET prefs:10001 lang", KeyPatterns.NONE))
        .isEqualTo("HGET prefs:{id} lang");
    assertThat(
            CallStatement.redisShape(
                "SET session:550e8400-e29b-41d4-a716-446655440000 ?", KeyPatterns.NONE))
        .isEqualTo("SET session:{id} ?");
    assertThat(CallStatement.redisShape("GET order:2024-11-30:17", KeyPatterns.NONE))
        .isEqualTo("GET order:{id}:{id}");
    assertThat(
            CallStatement.redisShape(
                "GET blob/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", KeyPatterns.NONE))
        .isEqualTo("GET blob/{id}");
    assertThat(CallStatement.redisShape("GET token:aGVsbG8gd29ybGQhIQ2", KeyPatterns.NONE))
        .isEqualTo("GET token:{id}");
    assertThat(CallStatement.redisShape("GET cart_u12345_items", KeyPatterns.NONE))
        .isEqualTo("GET cart_{id}_items");
  }

  @Test
  void redisKeysWithoutIdsStayApart() {
    assertThat(CallStatement.redisShape("GET config:eu", KeyPatterns.NONE))
        .isEqualTo("GET config:eu");
    assertThat(CallStatement.redisShape("GET config:us", KeyPatterns.NONE))
        .isEqualTo("GET config:us");
    assertThat(CallStatement.redisShape("GET reference-data", KeyPatterns.NONE))
        .isEqualTo("GET reference-data");
    assertThat(CallStatement.redisShape("GET api:v2:limits", KeyPatterns.NONE))
        .isEqualTo("GET api:v2:limits");
    assertThat(CallStatement.redisShape("PING", KeyPatterns.NONE)).isEqualTo("PING");
  }

  @Test
  void usersOwnIdPatternsMakeIdsOfSegmentsJobtraceWouldKeep() {
    KeyPatterns skus = new KeyPatterns(List.of(Pattern.compile("[A-Z]{3}[0-9]{2}")));
    assertThat(CallStatement.redisShape("GET price:ABC12", KeyPatterns.NONE))
        .isEqualTo("GET price:ABC12");
    assertThat(CallStatement.redisShape("GET price:ABC12", skus)).isEqualTo("GET price:{id}");
    // Whole segments only: a pattern that matches part of one does not make it an id.
    assertThat(CallStatement.redisShape("GET price:XABC12", skus)).isEqualTo("GET price:XABC12");
  }

  @Test
  void multiKeyCommandsKeepTheFirstKeysPatternAndTheCount() {
    assertThat(CallStatement.redisShape("MGET user:1 user:2 user:3", KeyPatterns.NONE))
        .isEqualTo("MGET user:{id} (3 keys)");
    assertThat(CallStatement.redisShape("DEL lock:7", KeyPatterns.NONE)).isEqualTo("DEL lock:{id}");
    // Words split on runs of spaces, as a hand-written statement may have them.
    assertThat(CallStatement.redisShape(" MGET user:1  user:2", KeyPatterns.NONE))
        .isEqualTo("MGET user:{id} (2 keys)");
  }

  @Test
  void inListsOfAnyLengthAreOneShape() {
    assertThat(CallStatement.inListsAsOne("select * from t where id in (?, ?, ?) and a = ?"))
        .isEqualTo("select * from t where id in (?) and a = ?");
    assertThat(CallStatement.inListsAsOne("select * from t where id in (?,?)"))
        .isEqualTo("select * from t where id in (?)");
    assertThat(CallStatement.inListsAsOne("insert into t (a, b) values (?, ?)"))
        .isEqualTo("insert into t (a, b) values (?)");
    assertThat(CallStatement.inListsAsOne("select f(?) from t")).isEqualTo("select f(?) from t");
    assertThat(CallStatement.inListsAsOne("select * from t where id = ?"))
        .isEqualTo("select * from t where id = ?");
  }

  /** A client span as the agent's HTTP instrumentation records it, ended. */
  static ReadableSpan httpCall(String url, String template) {
    List<ReadableSpan> ended = new ArrayList<>();
    SpanProcessor capture =
        new SpanProcessor() {
          @Override
          public void onStart(Context parent, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            ended.add(span);
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        };
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(capture).build()) {
      var builder =
          provider
              .get("test")
              .spanBuilder("GET")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("http.request.method", "GET")
              .setAttribute("url.full", url);
      if (template != null) {
        builder.setAttribute("url.template", template);
      }
      builder.startSpan().end();
    }
    return ended.get(0);
  }

  @Test
  void anHttpCallWithARouteTemplateIsShapedByIt() {
    assertThat(
            CallStatement.of(
                httpCall(
                    "http://partner:8082/accounts/eu-7f3/orders?x=1", "/accounts/{account}/orders"),
                CallKind.HTTP,
                KeyPatterns.NONE))
        .isEqualTo("GET http://partner:8082/accounts/{account}/orders");
    assertThat(
            CallStatement.of(
                httpCall("http://partner:8082/accounts/17/orders?x=1", null),
                CallKind.HTTP,
                KeyPatterns.NONE))
        .isEqualTo("GET http://partner:8082/accounts/{id}/orders");
  }

  @Test
  void aUrlsOriginIsSchemeHostAndPort() {
    assertThat(CallStatement.origin("http://partner:8082/accounts/17?x=1"))
        .isEqualTo("http://partner:8082");
    assertThat(CallStatement.origin("https://api.example.com?x=1"))
        .isEqualTo("https://api.example.com");
  }

  @Test
  void urlsKeepTheirTemplate() {
    assertThat(CallStatement.httpTemplate("http://partner:8082/accounts/17?page=2"))
        .isEqualTo("http://partner:8082/accounts/{id}");
    assertThat(CallStatement.httpTemplate("http://partner:8082/accounts/eu"))
        .isEqualTo("http://partner:8082/accounts/eu");
  }
}
