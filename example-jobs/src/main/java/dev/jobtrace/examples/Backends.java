package dev.jobtrace.examples;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import javax.sql.DataSource;

/** What jobs talk to. JobRunr creates job objects itself, so they find their backends here. */
public final class Backends {
  private static volatile DataSource database;
  private static volatile RedisCommands<String, String> redis;
  private static volatile double scale = 1.0;
  private static volatile String partnerUrl = "http://127.0.0.1:8082";

  private Backends() {}

  static void init(DataSource db, String redisUrl, double jobScale, String partner) {
    partnerUrl = partner.replaceAll("/+$", "");
    database = db;
    redis = RedisClient.create(redisUrl).connect().sync();
    scale = jobScale;
  }

  public static DataSource database() {
    return database;
  }

  public static String partnerUrl() {
    return partnerUrl;
  }

  public static RedisCommands<String, String> redis() {
    return redis;
  }

  /** Job sizes are multiplied by this (1.0 for the demo; tests run smaller). */
  public static int scaled(int size) {
    return Math.max(1, (int) Math.round(size * scale));
  }
}
