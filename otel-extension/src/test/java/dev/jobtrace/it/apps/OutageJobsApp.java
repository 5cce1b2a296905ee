package dev.jobtrace.it.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs on three threads for a fixed time, as a worker runs them: each job makes 20 Redis GETs,
 * every 25th also waits 600 ms (a slow job, with a profile). Every 5 s it prints the time, the jobs
 * run and the heap in use after a collection ({@code t=20s jobs=1180 heap-mb=41}), so that a test
 * can take the trace backend down and bring it back at set times; at the end it prints {@code jobs
 * done: N} and stays up until stopped, so that its exporters can deliver.
 *
 * <p>args: seconds to run jobs for.
 */
public final class OutageJobsApp {

  public static final class OutageJob {
    public void run(int n) throws InterruptedException {
      for (int i = 0; i < 20; i++) {
        Backends.redis.get("outage:" + (i % 4));
      }
      if (n % 25 == 0) {
        Thread.sleep(600);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Backends.start();
    long seconds = Long.parseLong(args[0]);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicInteger jobs = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread worker =
          new Thread(
              () -> {
                OutageJob job = new OutageJob();
                try {
                  while (System.nanoTime() < end) {
                    job.run(jobs.incrementAndGet());
                    Thread.sleep(40); // a worker's pace: about 20 jobs a second per thread
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "worker-" + t);
      worker.start();
      threads.add(worker);
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long start = System.nanoTime();
    for (long mark = 5; mark <= seconds; mark += 5) {
      long at = start + mark * 1_000_000_000L;
      while (System.nanoTime() < at) {
        Thread.sleep(Math.max(1, (at - System.nanoTime()) / 1_000_000));
      }
      System.gc();
      System.out.println(
          "t="
              + mark
              + "s jobs="
              + jobs.get()
              + " heap-mb="
              + memory.getHeapMemoryUsage().getUsed() / (1024 * 1024));
    }
    for (Thread worker : threads) {
      worker.join();
    }
    System.out.println("jobs done: " + jobs.get());
    Thread.sleep(Long.MAX_VALUE);
  }
}
