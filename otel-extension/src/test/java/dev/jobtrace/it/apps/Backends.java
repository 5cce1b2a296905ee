package dev.jobtrace.it.apps;

import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real servers a test application talks to: PostgreSQL (a fresh database per run), Redis, a
 * local HTTP service, and a worker pool that jobs hand work to.
 */
public final class Backends {

  static PGSimpleDataSource dataSource;
  static RedisCommands<String, String> redis;
  static HttpClient http;
  static URI partner;
  static ExecutorService pool;

  private Backends() {}

  static void start() throws Exception {
    String adminUrl = System.getProperty("app.jdbc");
    String database = "run_" + Long.toHexString(System.nanoTime());
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("create database " + database);
    }
    dataSource = new PGSimpleDataSource();
    dataSource.setURL(adminUrl.replace("/postgres?", "/" + database + "?"));
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table records (id serial primary key, value text not null)");
    }

    redis = RedisClient.create(System.getProperty("app.redis")).connect().sync();

    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext(
        "/partner",
        exchange -> {
          byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.createContext(
        "/slow",
        exchange -> {
          try {
            Thread.sleep(800);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    partner = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/partner");
    http = HttpClient.newHttpClient();

    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "job-pool-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  static String callSlowPartner() throws Exception {
    URI slow = URI.create(partner.toString().replace("/partner", "/slow"));
    return http.send(
            HttpRequest.newBuilder(slow).GET().build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static String callPartner(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(partner + "/" + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static long countRecords() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from records")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
