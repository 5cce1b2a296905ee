package dev.jobtrace.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Jobs whose three worker threads share a rate cache that loads a rate in 20 ms while holding its
 * lock (a {@code synchronized} method, or a {@code ReentrantLock}), so the threads queue for it;
 * and the fixed cache, which loads outside any lock. Each method is one job.
 */
public final class LockJobsApp {

  static final int THREADS = 3;
  static final int LOOKUPS = 25;

  /** A rate cache that loads while holding its monitor. */
  public static final class SynchronizedRates {
    private final Map<Integer, Long> rates = new java.util.HashMap<>();

    public synchronized long rate(int currency) throws InterruptedException {
      Thread.sleep(20); // the load, under the lock
      rates.put(currency, (long) currency * 100);
      return rates.get(currency);
    }
  }

  /** The same with an explicit lock. */
  public static final class LockedRates {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, Long> rates = new java.util.HashMap<>();

    public long rate(int currency) throws InterruptedException {
      lock.lock();
      try {
        Thread.sleep(20);
        rates.put(currency, (long) currency * 100);
        return rates.get(currency);
      } finally {
        lock.unlock();
      }
    }
  }

  /** The fix: the load happens outside any lock. */
  public static final class ConcurrentRates {
    private final Map<Integer, Long> rates = new ConcurrentHashMap<>();

    public long rate(int currency) throws InterruptedException {
      Thread.sleep(20);
      rates.put(currency, (long) currency * 100);
      return rates.get(currency);
    }
  }

  interface Rates {
    long rate(int currency) throws InterruptedException;
  }

  public static final class PricingJob {
    public void synchronizedCache() throws Exception {
      price(new SynchronizedRates()::rate);
    }

    public void lockedCache() throws Exception {
      price(new LockedRates()::rate);
    }

    public void concurrentCache() throws Exception {
      price(new ConcurrentRates()::rate);
    }
  }

  static void price(Rates rates) throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int part = t;
        parts.add(
            workers.submit(
                () -> {
                  for (int i = 0; i < LOOKUPS; i++) {
                    rates.rate(part * LOOKUPS + i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      workers.shutdown();
    }
  }

  public static void main(String[] args) throws Exception {
    PricingJob job = new PricingJob();
    for (String arg : args) {
      job.getClass().getMethod(arg).invoke(job);
    }
    System.out.println("done " + String.join(",", args));
    System.exit(0);
  }
}
