package dev.jobtrace.examples.partner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The partner's API, a separate service: {@code GET /accounts/{id}} looks the account up in its own
 * table. Every tenth account stalls (a slow upstream of the partner's), which is what a caller
 * without a timeout waits for.
 *
 * <p>Settings (environment): PARTNER_DB_URL, PARTNER_PORT (8082), PARTNER_STALL_MS (3000).
 */
public final class PartnerApi {

  static final int ACCOUNTS = 10_000;

  public static void main(String[] args) throws Exception {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(env("PARTNER_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"));
    long stallMs = Long.parseLong(env("PARTNER_STALL_MS", "3000"));
    seed(db);

    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(Integer.parseInt(env("PARTNER_PORT", "8082"))), 100);
    server.createContext("/accounts/", exchange -> account(exchange, db, stallMs));
    server.createContext("/health", exchange -> reply(exchange, 200, "ok"));
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.start();
    System.out.println("partner-api: listening on port " + server.getAddress().getPort());
  }

  static void account(HttpExchange exchange, PGSimpleDataSource db, long stallMs)
      throws IOException {
    int id;
    try {
      id = Integer.parseInt(exchange.getRequestURI().getPath().substring("/accounts/".length()));
    } catch (NumberFormatException e) {
      reply(exchange, 400, "{\"error\":\"account id must be a number\"}");
      return;
    }
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id, name, tier from partner_accounts where id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          reply(exchange, 404, "{\"error\":\"no account " + id + "\"}");
          return;
        }
        if (id % 10 == 7) {
          Thread.sleep(stallMs);
        }
        reply(
            exchange,
            200,
            "{\"id\":"
                + rs.getInt(1)
                + ",\"name\":\""
                + rs.getString(2)
                + "\",\"tier\":\""
                + rs.getString(3)
                + "\"}");
      }
    } catch (SQLException | InterruptedException e) {
      reply(exchange, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  /** Idempotent. */
  static void seed(PGSimpleDataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists partner_accounts (id int primary key, name text not null, tier text not null)");
      s.execute(
          "insert into partner_accounts select g, 'account ' || g, case when g % 3 = 0 then 'gold' else 'basic' end"
              + " from generate_series(1, "
              + ACCOUNTS
              + ") g on conflict do nothing");
    }
  }

  static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
