package dev.jobtrace.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Jobs whose traces the job analysis has to summarise. */
public final class AnalysisJobsApp {

  /** The memoized lookup scoped one level too low: one Redis GET per record. */
  public static final class ReferenceDataJob {
    public void run(int records) {
      List<String> built = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        built.add(new RecordBuilder(i).build());
      }
      if (built.size() != records) {
        throw new IllegalStateException();
      }
    }
  }

  /** Memoizes the reference data, but per record, so each record fetches it again. */
  static final class RecordBuilder {
    private final int id;
    private String referenceData;

    RecordBuilder(int id) {
      this.id = id;
    }

    String build() {
      return id + ":" + referenceData().length();
    }

    private String referenceData() {
      if (referenceData == null) {
        referenceData = Backends.redis.get("reference-data");
      }
      return referenceData;
    }
  }

  /**
   * The classic N+1: one lookup per record, each for the record's own key ({@code GET user:10000},
   * {@code GET user:10001}, ...). Every 50th key holds a hash, so its GET fails (WRONGTYPE).
   */
  public static final class PerRecordJob {
    static final int FIRST_ID = 10000;

    static void seed(int records) {
      for (int i = 0; i < records; i++) {
        String key = "user:" + (FIRST_ID + i);
        Backends.redis.del(key);
        if (i % 50 == 49) {
          Backends.redis.hset(key, "name", "user " + i);
        } else {
          Backends.redis.set(key, "user " + i);
        }
      }
    }

    public int run(int records) {
      int failed = 0;
      for (int i = 0; i < records; i++) {
        try {
          Backends.redis.get("user:" + (FIRST_ID + i));
        } catch (RuntimeException wrongType) {
          failed++;
        }
      }
      return failed;
    }
  }

  /**
   * Two lookups per record, each for the record's own keys: {@code GET acct:<id>}, then {@code HGET
   * prefs:<id> lang}.
   */
  public static final class PairsJob {
    static final int FIRST_ID = 20000;

    static void seed(int records) {
      for (int i = 0; i < records; i++) {
        Backends.redis.set("acct:" + (FIRST_ID + i), "account " + i);
        Backends.redis.hset("prefs:" + (FIRST_ID + i), "lang", i % 2 == 0 ? "en" : "de");
      }
    }

    public int run(int records) {
      int english = 0;
      for (int i = 0; i < records; i++) {
        String account = Backends.redis.get("acct:" + (FIRST_ID + i));
        String lang = Backends.redis.hget("prefs:" + (FIRST_ID + i), "lang");
        if (account != null && "en".equals(lang)) {
          english++;
        }
      }
      return english;
    }
  }

  /** A query by id, then a call to the partner service with that id in its path, per record. */
  public static final class AccountSyncJob {
    static void seed(int records) throws Exception {
      try (java.sql.Connection c = Backends.dataSource.getConnection();
          java.sql.PreparedStatement insert =
              c.prepareStatement("insert into records (value) values (?)")) {
        for (int i = 0; i < records; i++) {
          insert.setString(1, "account " + i);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }

    public int run(int records) throws Exception {
      int synced = 0;
      try (java.sql.Connection c = Backends.dataSource.getConnection();
          java.sql.PreparedStatement select =
              c.prepareStatement("select value from records where id = ?")) {
        for (int id = 1; id <= records; id++) {
          select.setInt(1, id);
          try (java.sql.ResultSet rs = select.executeQuery()) {
            if (rs.next() && Backends.callPartner("accounts/" + id).contains("ok")) {
              synced++;
            }
          }
        }
      }
      return synced;
    }
  }

  /** Partner calls from a pool, four at a time. */
  public static final class ParallelPartnerJob {
    public void run() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(pool.submit(Backends::callSlowPartner));
        }
        for (Future<String> call : calls) {
          call.get();
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  /**
   * Heap occupancy after collections while the job runs (the collector's own figure, no GC forced),
   * peak minus the occupancy right before the job.
   */
  static final class HeapWatch {
    private final long before;
    private volatile long peak;
    private volatile boolean running = true;
    private final Thread sampler;

    private HeapWatch() {
      System.gc();
      before = occupancy();
      peak = before;
      sampler =
          new Thread(
              () -> {
                while (running) {
                  peak = Math.max(peak, occupancy());
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-watch");
      sampler.setDaemon(true);
      sampler.start();
    }

    static HeapWatch start() {
      return new HeapWatch();
    }

    /** Bytes in heap pools after their latest collection (or now, before any). */
    static long occupancy() {
      long sum = 0;
      for (java.lang.management.MemoryPoolMXBean pool :
          java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          java.lang.management.MemoryUsage after = pool.getCollectionUsage();
          sum += after != null ? after.getUsed() : 0;
        }
      }
      return sum;
    }

    long stop() throws InterruptedException {
      running = false;
      sampler.join();
      return (Math.max(peak, occupancy()) - before) / 1024;
    }
  }

  public static void main(String[] args) throws Exception {
    Backends.start();
    // Reference data worth caching: currency rates for every pair, about 40 KB.
    StringBuilder rates = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      rates.append("PAIR").append(i).append("=1.").append(1000 + i).append(';');
    }
    Backends.redis.set("reference-data", rates.toString());
    switch (args[0]) {
      case "reference":
        HeapWatch heap = HeapWatch.start();
        long t0 = System.nanoTime();
        new ReferenceDataJob().run(Integer.parseInt(args[1]));
        System.out.println("job-ms " + (System.nanoTime() - t0) / 1_000_000);
        System.out.println("heap-held-kib " + heap.stop());
        break;
      case "per-record":
        PerRecordJob.seed(Integer.parseInt(args[1]));
        System.out.println("failed-gets " + new PerRecordJob().run(Integer.parseInt(args[1])));
        break;
      case "pairs":
        PairsJob.seed(Integer.parseInt(args[1]));
        System.out.println("english " + new PairsJob().run(Integer.parseInt(args[1])));
        break;
      case "account-sync":
        AccountSyncJob.seed(Integer.parseInt(args[1]));
        System.out.println("synced " + new AccountSyncJob().run(Integer.parseInt(args[1])));
        break;
      case "parallel-http":
        new ParallelPartnerJob().run();
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.out.println("done " + args[0]);
    System.exit(0);
  }
}
