package dev.jobtrace.examples.report;

import dev.jobtrace.examples.Backends;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Story 2: a monthly report for one large client, read account by account in keyset batches of
 * 1,000 invoices. The table holds every client's invoices (two million rows at full scale).
 *
 * <p>The slow variant pages each account with {@code where account_id = ? and id > ? order by id
 * limit 1000}. No index leads with {@code account_id}: the compound index is on {@code (client_id,
 * issued_on)}, so PostgreSQL scans the whole table and sorts for every batch: 90 batches, each as
 * slow as the table is large. The fixed variant names the client as well, and the index {@code
 * (client_id, account_id, id)} answers each batch from 1,000 index entries.
 */
public class ClientReportJob {

  /** Invoices of other clients; the table's bulk. Scaled. */
  static final int OTHER_INVOICES = 2_000_000;

  static final int CLIENT = 500;
  static final int ACCOUNTS = 45;

  /** Per account: one full batch and one half batch, so 90 batches for the report. */
  static final int INVOICES_PER_ACCOUNT = 1_500;

  static final int BATCH = 1_000;

  /** Idempotent: the table and both indexes; rows only when the table is empty. */
  public static void seed() throws SQLException {
    try (Connection c = Backends.database().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists client_invoices (id bigint primary key, client_id int not null,"
              + " account_id int not null, issued_on date not null, amount bigint not null)");
      boolean empty;
      try (ResultSet rs = s.executeQuery("select not exists (select 1 from client_invoices)")) {
        rs.next();
        empty = rs.getBoolean(1);
      }
      if (empty) {
        int others = Backends.scaled(OTHER_INVOICES);
        s.execute(
            "insert into client_invoices select g, g % 100 + 1, (g % 100 + 1) * 1000 + (g / 100) % 90,"
                + " date '2020-01-01' + (g / 2000)::int, 100 + g % 997 from generate_series(1, "
                + others
                + ") g");
        // The report's client joined last: its invoices are the newest rows.
        s.execute(
            "insert into client_invoices select "
                + others
                + " + g, "
                + CLIENT
                + ", "
                + accountId(0)
                + " + g % "
                + ACCOUNTS
                + ", date '2024-01-01' + (g / 300)::int, 100 + g % 997"
                + " from generate_series(1, "
                + ACCOUNTS * INVOICES_PER_ACCOUNT
                + ") g");
      }
      s.execute(
          "create index if not exists client_invoices_client_issued on client_invoices (client_id, issued_on)");
      s.execute(
          "create index if not exists client_invoices_client_account on client_invoices (client_id, account_id, id)");
      if (empty) {
        s.execute("analyze client_invoices");
      }
    }
  }

  static int accountId(int account) {
    return CLIENT * 1000 + account;
  }

  public void slow() throws SQLException {
    report(
        "select id, issued_on, amount from client_invoices where account_id = ? and id > ?"
            + " order by id limit "
            + BATCH,
        false);
  }

  public void fixed() throws SQLException {
    report(
        "select id, issued_on, amount from client_invoices where client_id = ? and account_id = ? and id > ?"
            + " order by id limit "
            + BATCH,
        true);
  }

  /** Month → total amount over all the client's accounts, read in keyset batches. */
  private static Map<String, Long> report(String sql, boolean withClient) throws SQLException {
    Map<String, Long> byMonth = new TreeMap<>();
    try (Connection c = Backends.database().getConnection();
        PreparedStatement batch = c.prepareStatement(sql)) {
      for (int account = 0; account < ACCOUNTS; account++) {
        long after = 0;
        int read;
        do {
          int p = 1;
          if (withClient) {
            batch.setInt(p++, CLIENT);
          }
          batch.setInt(p++, accountId(account));
          batch.setLong(p, after);
          read = 0;
          try (ResultSet rs = batch.executeQuery()) {
            while (rs.next()) {
              after = rs.getLong(1);
              byMonth.merge(
                  rs.getDate(2).toLocalDate().withDayOfMonth(1).toString(),
                  rs.getLong(3),
                  Long::sum);
              read++;
            }
          }
        } while (read == BATCH);
      }
    }
    return byMonth;
  }
}
