package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallStatementTest {

  @Test
  void redisKeysWithIdsShareOneShape() {
    assertThat(CallStatement.redisShape("GET user:10001")).isEqualTo("GET user:{id}");
    assertThat(CallStatement.redisShape("GET user:10002")).isEqualTo("GET user:{id}");
    assertThat(CallStatement.redisShape("HGET prefs:10001 lang")).isEqualTo("HGET prefs:{id} lang");
    assertThat(CallStatement.redisShape("SET session:550e8400-e29b-41d4-a716-446655440000 ?"))
        .isEqualTo("SET session:{id} ?");
    assertThat(CallStatement.redisShape("GET order:2024-11-30:17")).isEqualTo("GET order:{id}:{id}");
    assertThat(CallStatement.redisShape("GET blob/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"))
        .isEqualTo("GET blob/{id}");
    assertThat(CallStatement.redisShape("GET token:aGVsbG8gd29ybGQhIQ2")).isEqualTo("GET token:{id}");
    assertThat(CallStatement.redisShape("GET cart_u12345_items")).isEqualTo("GET cart_{id}_items");
  }

  @Test
  void redisKeysWithoutIdsStayApart() {
    assertThat(CallStatement.redisShape("GET config:eu")).isEqualTo("GET config:eu");
    assertThat(CallStatement.redisShape("GET config:us")).isEqualTo("GET config:us");
    assertThat(CallStatement.redisShape("GET reference-data")).isEqualTo("GET reference-data");
    assertThat(CallStatement.redisShape("GET api:v2:limits")).isEqualTo("GET api:v2:limits");
    assertThat(CallStatement.redisShape("PING")).isEqualTo("PING");
  }

  @Test
  void multiKeyCommandsKeepTheFirstKeysPatternAndTheCount() {
    assertThat(CallStatement.redisShape("MGET user:1 user:2 user:3")).isEqualTo("MGET user:{id} (3 keys)");
    assertThat(CallStatement.redisShape("DEL lock:7")).isEqualTo("DEL lock:{id}");
  }

  @Test
  void inListsOfAnyLengthAreOneShape() {
    assertThat(CallStatement.inListsAsOne("select * from t where id in (?, ?, ?) and a = ?"))
        .isEqualTo("select * from t where id in (?) and a = ?");
    assertThat(CallStatement.inListsAsOne("select * from t where id in (?,?)")).isEqualTo("select * from t where id in (?)");
    assertThat(CallStatement.inListsAsOne("insert into t (a, b) values (?, ?)")).isEqualTo("insert into t (a, b) values (?)");
    assertThat(CallStatement.inListsAsOne("select f(?) from t")).isEqualTo("select f(?) from t");
    assertThat(CallStatement.inListsAsOne("select * from t where id = ?")).isEqualTo("select * from t where id = ?");
  }

  @Test
  void urlsKeepTheirTemplate() {
    assertThat(CallStatement.httpTemplate("http://partner:8082/accounts/17?page=2")).isEqualTo("http://partner:8082/accounts/{id}");
    assertThat(CallStatement.httpTemplate("http://partner:8082/accounts/eu")).isEqualTo("http://partner:8082/accounts/eu");
  }
}
