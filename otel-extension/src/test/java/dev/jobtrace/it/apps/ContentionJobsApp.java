package dev.jobtrace.it.apps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Settlement runs that contend for the same rows, and their fix. Each run is one job, settled alone
 * first and then three at once, as a worker with three threads would when its queue fills.
 */
public final class ContentionJobsApp {

  static final int WALLETS = 5;
  static final int PAYMENTS = 400;
  static final int BATCH = 50;

  /** Settles payments into five wallets, committing every {@link #BATCH} of them. */
  public static final class SettlementJob {
    /**
     * The slow variant: adds each payment to its wallet's balance row, holding the row locks for
     * the whole batch while it prices each payment, so runs at once queue behind each other.
     */
    public void balance() throws Exception {
      settle("update wallets set balance = balance + ? where id = ?");
    }

    /** The fixed variant: appends each payment to a ledger, so no two runs write the same row. */
    public void ledger() throws Exception {
      settle("insert into wallet_ledger (amount, wallet_id) values (?, ?)");
    }
  }

  static void settle(String sql) throws Exception {
    try (Connection c = Backends.dataSource.getConnection();
        PreparedStatement write = c.prepareStatement(sql);
        PreparedStatement fee = c.prepareStatement("select pg_sleep(0.002), ? * 0.01")) {
      c.setAutoCommit(false);
      for (int p = 0; p < PAYMENTS; p++) {
        long amount = 100 + p % 37;
        write.setLong(1, amount);
        write.setInt(2, 1 + p % WALLETS);
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

  static void seed() throws Exception {
    try (Connection c = Backends.dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table wallets (id int primary key, balance bigint not null)");
      s.execute("insert into wallets select g, 0 from generate_series(1, " + WALLETS + ") g");
      s.execute(
          "create table wallet_ledger (id bigserial primary key, wallet_id int not null,"
              + " amount bigint not null)");
    }
  }

  interface Run {
    void run(SettlementJob job) throws Exception;
  }

  /** One run alone, then three at once. */
  static void aloneThenThree(Run run) throws Exception {
    run.run(new SettlementJob());
    ExecutorService workers = Executors.newFixedThreadPool(3);
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(
          workers.submit(
              () -> {
                run.run(new SettlementJob());
                return null;
              }));
    }
    for (Future<?> f : runs) {
      f.get();
    }
    workers.shutdown();
  }

  public static void main(String[] args) throws Exception {
    Backends.start();
    seed();
    for (String arg : args) {
      switch (arg) {
        case "balance":
          aloneThenThree(SettlementJob::balance);
          break;
        case "ledger":
          aloneThenThree(SettlementJob::ledger);
          break;
        default:
          throw new IllegalArgumentException(arg);
      }
    }
    System.out.println("done " + String.join(",", args));
    System.exit(0);
  }
}
