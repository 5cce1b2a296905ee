package dev.jobtrace.testing;

import redis.embedded.RedisServer;

/** PostgreSQL and Redis for one test class; both real servers on loopback ports. */
public final class Servers implements AutoCloseable {

  public final TestPostgres postgres;
  public final RedisServer redis;
  public final int redisPort;

  private Servers(TestPostgres postgres, RedisServer redis, int redisPort) {
    this.postgres = postgres;
    this.redis = redis;
    this.redisPort = redisPort;
  }

  public static Servers start() throws Exception {
    TestPostgres pg = TestPostgres.start();
    int port = Ports.free();
    RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
    redis.start();
    return new Servers(pg, redis, port);
  }

  public String redisUri() {
    return "redis://127.0.0.1:" + redisPort;
  }

  /** The application settings that point it at these servers. */
  public AgentProcess configure(AgentProcess app) {
    return app.set("app.jdbc", postgres.jdbcUrl()).set("app.redis", redisUri());
  }

  @Override
  public void close() throws Exception {
    try {
      redis.stop();
    } finally {
      postgres.close();
    }
  }
}
