package dev.jobtrace.it.apps;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/** Fixed amounts of work, timed inside the application, for the overhead benchmark. */
public final class BenchJobsApp {

  static volatile double sink;

  public static final class CpuJob {
    /** About a second of arithmetic, the same every time. */
    public void run() {
      double x = sink;
      for (long i = 0; i < 120_000_000L; i++) {
        x += Math.sqrt(x + i);
      }
      sink = x;
    }
  }

  public static final class LockJob {
    private static final Object MONITOR = new Object();
    private static final ReentrantLock LOCK = new ReentrantLock();

    /**
     * Four threads taking turns at one monitor and one {@code ReentrantLock}, 30 µs of arithmetic
     * inside each: a job that mostly waits for its locks, the case lock-wait recording is busiest.
     */
    public void run() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          parts.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 8_000; i++) {
                      if (i % 2 == 0) {
                        synchronized (MONITOR) {
                          spin();
                        }
                      } else {
                        LOCK.lock();
                        try {
                          spin();
                        } finally {
                          LOCK.unlock();
                        }
                      }
                    }
                  }));
        }
        for (Future<?> part : parts) {
          part.get();
        }
      } finally {
        pool.shutdown();
      }
    }

    private static void spin() {
      long end = System.nanoTime() + 30_000;
      double x = sink;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      sink = x;
    }
  }

  public static final class IoJob {
    /** Round trips to Redis, PostgreSQL and HTTP: a job that mostly waits. */
    public void run() throws Exception {
      for (int i = 0; i < 400; i++) {
        Backends.redis.get("bench-key");
      }
      try (Connection c = Backends.dataSource.getConnection();
          Statement s = c.createStatement()) {
        for (int i = 0; i < 100; i++) {
          try (ResultSet rs = s.executeQuery("select pg_sleep(0.002)")) {
            rs.next();
          }
        }
      }
      for (int i = 0; i < 10; i++) {
        Backends.callPartner("bench");
      }
    }
  }

  /**
   * The classic N+1: one Redis GET per record, each for the record's own key ({@code GET
   * user:20000}, ...).
   */
  public static final class LookupJob {
    static final int RECORDS = 20_000;
    static final int FIRST_ID = 20_000;

    static void seed() {
      for (int i = 0; i < RECORDS; i++) {
        Backends.redis.set("user:" + (FIRST_ID + i), "user " + i);
      }
    }

    public void run() {
      long found = 0;
      for (int i = 0; i < RECORDS; i++) {
        found += Backends.redis.get("user:" + (FIRST_ID + i)).length();
      }
      sink = found;
    }
  }

  /**
   * The same N+1 against PostgreSQL: one prepared SELECT per record, each for the record's own id.
   */
  public static final class JdbcLookupJob {
    static final int RECORDS = 10_000;

    static void seed() throws Exception {
      try (Connection c = Backends.dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "insert into records (value) select 'record ' || g from generate_series(1, "
                + RECORDS
                + ") g");
      }
    }

    public void run() throws Exception {
      long found = 0;
      try (Connection c = Backends.dataSource.getConnection();
          java.sql.PreparedStatement ps =
              c.prepareStatement("select value from records where id = ?")) {
        for (int i = 1; i <= RECORDS; i++) {
          ps.setInt(1, i);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            found += rs.getString(1).length();
          }
        }
      }
      sink = found;
    }
  }

  /**
   * args: cpu|io|cpu-vt|io-vt|lookup|jdbc-lookup|lock, repetitions. The -vt jobs run each
   * repetition on a new virtual thread (JDK 21+), as JobRunr's default worker does. Prints one
   * "job-ms" line per repetition after two warm-up runs, and a "cpu-ms" line with the process's CPU
   * time over it (every thread, the agent's included).
   */
  public static void main(String[] args) throws Exception {
    Backends.start();
    boolean cpu = args[0].startsWith("cpu");
    boolean lookup = args[0].equals("lookup");
    boolean jdbcLookup = args[0].equals("jdbc-lookup");
    boolean locks = args[0].equals("lock");
    if (lookup) {
      LookupJob.seed();
    }
    if (jdbcLookup) {
      JdbcLookupJob.seed();
    }
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    boolean virtual = args[0].endsWith("-vt");
    ExecutorService threads =
        virtual
            ? (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
            : null;
    int reps = Integer.parseInt(args[1]);
    for (int i = -2; i < reps; i++) {
      long t0 = System.nanoTime();
      long cpu0 = os.getProcessCpuTime();
      Callable<Void> job =
          () -> {
            if (locks) {
              new LockJob().run();
            } else if (jdbcLookup) {
              new JdbcLookupJob().run();
            } else if (lookup) {
              new LookupJob().run();
            } else if (cpu) {
              new CpuJob().run();
            } else {
              new IoJob().run();
            }
            return null;
          };
      if (virtual) {
        threads.submit(job).get();
      } else {
        job.call();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
      if (i >= 0) {
        System.out.println("job-ms " + ms);
        System.out.println("cpu-ms " + cpuMs);
      }
    }
    System.exit(0);
  }
}
