package dev.jobtrace.examples.settlement;

import dev.jobtrace.examples.Backends;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Story 5: settles payments into merchant wallets. The slow variant updates the wallets' balance
 * rows in one transaction per batch, holding their row locks while it prices each payment, so
 * settlement jobs running at once queue behind each other's locks. The fixed variant appends to a
 * ledger: no two jobs write the same row.
 */
public class WalletSettlementJob {

  static final int WALLETS = 5;
  static final int PAYMENTS = 400;
  static final int BATCH = 50;

  /** Idempotent. */
  public static void seed() throws SQLException {
    try (Connection c = Backends.database().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table if not exists wallets (id int primary key, balance bigint not null)");
      s.execute(
          "insert into wallets select g, 0 from generate_series(1, "
              + WALLETS
              + ") g on conflict do nothing");
      s.execute(
          "create table if not exists wallet_ledger (id bigserial primary key, wallet_id int not null,"
              + " amount bigint not null, at timestamptz not null default now())");
    }
  }

  public void slow() throws SQLException {
    settle(
        "update wallets set balance = balance + ? where id = ?",
        (write, wallet, amount) -> {
          write.setLong(1, amount);
          write.setInt(2, wallet);
        });
  }

  public void fixed() throws SQLException {
    settle(
        "insert into wallet_ledger (amount, wallet_id) values (?, ?)",
        (write, wallet, amount) -> {
          write.setLong(1, amount);
          write.setInt(2, wallet);
        });
  }

  private interface Binder {
    void bind(PreparedStatement write, int wallet, long amount) throws SQLException;
  }

  /** Writes each payment with {@code sql}, prices it, and commits every {@link #BATCH} payments. */
  private static void settle(String sql, Binder binder) throws SQLException {
    int payments = Backends.scaled(PAYMENTS);
    try (Connection c = Backends.database().getConnection();
        PreparedStatement write = c.prepareStatement(sql);
        PreparedStatement fee = c.prepareStatement("select pg_sleep(0.002), ? * 0.01")) {
      c.setAutoCommit(false);
      for (int p = 0; p < payments; p++) {
        long amount = 100 + p % 37;
        binder.bind(write, 1 + p % WALLETS, amount);
        write.executeUpdate();
        fee.setLong(1, amount);
        try (ResultSet rs = fee.executeQuery()) {
          rs.next();
        }
        if ((p + 1) % BATCH == 0) {
          c.commit();
        }
      }
      c.commit();
    }
  }
}
