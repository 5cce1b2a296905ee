package dev.jobtrace.it.apps;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Jobs whose time is known in advance, run as configured job methods (otel.jobtrace.jobs), so the
 * tests can check what their profiles say.
 */
public final class ProfiledJobsApp {

  static volatile double sink;

  /** ~70% computing in {@link #computeHot}, ~30% sleeping in {@link #waitBlocked}. */
  public static final class MixedWorkJob {
    public void run() throws InterruptedException {
      for (int i = 0; i < 20; i++) {
        computeHot(70);
        waitBlocked(30);
      }
    }

    static void computeHot(long millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      double x = sink;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 1000; i++) {
          x += Math.sqrt(x + i);
        }
      }
      sink = x;
    }

    static void waitBlocked(long millis) throws InterruptedException {
      Thread.sleep(millis);
    }
  }

  static final ExecutorService sharedPool =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "shared-pool");
            t.setDaemon(true);
            return t;
          });

  /** Hands its hot loop to a pool shared with other jobs and waits for it. */
  public static final class HandOffJob {
    public void runAlpha() throws Exception {
      Future<?> f = sharedPool.submit(() -> hotAlpha(1500));
      f.get();
    }

    public void runBeta() throws Exception {
      CompletableFuture.runAsync(() -> hotBeta(1500), sharedPool).get();
    }

    static void hotAlpha(long millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      double x = sink;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      sink = x;
    }

    static void hotBeta(long millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      double x = sink;
      while (System.nanoTime() < end) {
        x += Math.cbrt(x + 1);
      }
      sink = x;
    }
  }

  /** Computes in a parallel stream: the common fork-join pool does most of the work. */
  public static final class ParallelJob {
    public void run() {
      double total =
          java.util.stream.IntStream.range(0, 8).parallel().mapToDouble(ParallelJob::crunch).sum();
      sink = total;
    }

    static double crunch(int part) {
      long end = System.nanoTime() + 400_000_000L;
      double x = part;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      return x;
    }
  }

  /** One slow SQL statement, one slow HTTP call, one fast statement. */
  public static final class SlowCallsJob {
    public void run() throws Exception {
      try (Connection c = Backends.dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("select pg_sleep(0.8)");
        s.execute("select 1");
      }
      Backends.callSlowPartner();
    }
  }

  public static void main(String[] args) throws Exception {
    Backends.start();
    switch (args[0]) {
      case "mixed":
        new MixedWorkJob().run();
        break;
      case "handoff":
        {
          ExecutorService jobThreads = Executors.newFixedThreadPool(2);
          Future<?> a =
              jobThreads.submit(
                  () -> {
                    new HandOffJob().runAlpha();
                    return null;
                  });
          Future<?> b =
              jobThreads.submit(
                  () -> {
                    new HandOffJob().runBeta();
                    return null;
                  });
          a.get();
          b.get();
          jobThreads.shutdown();
          break;
        }
      case "parallel":
        new ParallelJob().run();
        break;
      case "slowcalls":
        new SlowCallsJob().run();
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.out.println("done " + args[0]);
    System.exit(0);
  }
}
