package dev.jobtrace.examples.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.examples.Backends;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Story 4: exports every invoice document. The slow variant serializes each nested document on
 * every run, so the export's cost grows with the data; the fixed variant serializes a document
 * once, when the invoice is written, and the export reuses the stored JSON.
 */
public class InvoiceExportJob {

  static final int INVOICES = 4_000;

  /** Each export run re-sends the documents this many times (one per downstream consumer). */
  static final int CONSUMERS = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Idempotent: invoices with their document serialized on write. */
  public static void seed() throws Exception {
    createRunsTable();
    try (Connection c = Backends.database().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists export_invoices (id bigint primary key, document_json text not null)");
      try (ResultSet rs = s.executeQuery("select count(*) from export_invoices")) {
        rs.next();
        if (rs.getLong(1) >= Backends.scaled(INVOICES)) {
          return;
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into export_invoices (id, document_json) values (?, ?) on conflict do nothing")) {
        for (long id = 1; id <= Backends.scaled(INVOICES); id++) {
          ps.setLong(1, id);
          ps.setString(2, JSON.writeValueAsString(InvoiceDocument.build(id)));
          ps.addBatch();
          if (id % 500 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
    }
  }

  public void slow() throws Exception {
    long bytes = 0;
    for (int consumer = 0; consumer < CONSUMERS; consumer++) {
      for (long id = 1; id <= Backends.scaled(INVOICES); id++) {
        bytes += JSON.writeValueAsBytes(InvoiceDocument.build(id)).length;
      }
    }
    record("slow", bytes);
  }

  public void fixed() throws Exception {
    // The documents were serialized when written: read them once, send the same bytes to everyone.
    java.util.List<String> documents = new java.util.ArrayList<>();
    try (Connection c = Backends.database().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select document_json from export_invoices where id <= ? order by id")) {
      ps.setLong(1, Backends.scaled(INVOICES));
      ps.setFetchSize(500);
      c.setAutoCommit(false);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          documents.add(rs.getString(1));
        }
      }
      c.commit();
    }
    long bytes = 0;
    for (int consumer = 0; consumer < CONSUMERS; consumer++) {
      for (String document : documents) {
        bytes += document.length();
      }
    }
    record("fixed", bytes);
  }

  private static void record(String variant, long bytes) throws SQLException {
    try (Connection c = Backends.database().getConnection();
        PreparedStatement ps =
            c.prepareStatement("insert into export_runs (variant, bytes) values (?, ?)")) {
      ps.setString(1, variant);
      ps.setLong(2, bytes);
      ps.executeUpdate();
    }
  }

  public static void createRunsTable() throws SQLException {
    try (Connection c = Backends.database().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table if not exists export_runs (id serial primary key, variant text, bytes bigint, at timestamptz default now())");
    }
  }
}
