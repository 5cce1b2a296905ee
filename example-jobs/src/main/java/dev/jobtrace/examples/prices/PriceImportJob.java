package dev.jobtrace.examples.prices;

import dev.jobtrace.examples.Backends;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Story 6: imports a supplier's price list. The slow variant passes the whole list to the job as
 * its argument, so JobRunr stores it in the job's JSON, writes it whole at every state change and
 * reads it back before the run; the fixed variant stages the rows in a table and passes the
 * upload's id.
 */
public class PriceImportJob {

  /** Rows of a price list: not scaled, since the payload's size is the story. */
  static final int ROWS = 6_000;

  /** Idempotent. */
  public static void seed() throws SQLException {
    try (Connection c = Backends.database().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists prices (sku text primary key, currency text not null,"
              + " amount_cents bigint not null)");
      s.execute(
          "create table if not exists price_uploads (upload bigint not null, line int not null,"
              + " row text not null, primary key (upload, line))");
      s.execute("create sequence if not exists price_upload_ids");
    }
  }

  /** The supplier's list, as the enqueuing request parses it: {@code sku;currency;cents;note}. */
  public static List<String> priceList() {
    List<String> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(
          String.format(
              Locale.ROOT,
              "SKU-%06d;EUR;%d;supplier list 2026-12, net price per unit",
              i,
              1_000 + (i * 37) % 9_000));
    }
    return rows;
  }

  /** Stages the list for the fixed variant; returns the upload's id. */
  public static long stage(List<String> rows) throws SQLException {
    try (Connection c = Backends.database().getConnection()) {
      long upload;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select nextval('price_upload_ids')")) {
        rs.next();
        upload = rs.getLong(1);
      }
      try (PreparedStatement ps =
          c.prepareStatement("insert into price_uploads (upload, line, row) values (?, ?, ?)")) {
        for (int i = 0; i < rows.size(); i++) {
          ps.setLong(1, upload);
          ps.setInt(2, i);
          ps.setString(3, rows.get(i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return upload;
    }
  }

  /** The slow variant: the list is the job's argument. */
  public void slow(List<String> rows) throws SQLException {
    write(rows);
  }

  /** The fixed variant: the job reads the staged rows by the upload's id. */
  public void fixed(long upload) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = Backends.database().getConnection();
        PreparedStatement ps =
            c.prepareStatement("select row from price_uploads where upload = ? order by line")) {
      ps.setLong(1, upload);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    write(rows);
  }

  private static void write(List<String> rows) throws SQLException {
    try (Connection c = Backends.database().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into prices (sku, currency, amount_cents) values (?, ?, ?)"
                    + " on conflict (sku) do update set amount_cents = excluded.amount_cents")) {
      for (String row : rows) {
        String[] f = row.split(";");
        ps.setString(1, f[0]);
        ps.setString(2, f[1]);
        ps.setLong(3, Long.parseLong(f[2]));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
