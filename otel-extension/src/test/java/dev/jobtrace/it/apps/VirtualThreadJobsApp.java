package dev.jobtrace.it.apps;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Jobs that run on virtual threads (JDK 21+), as JobRunr's default worker runs them, with work
 * whose shape is known in advance. Virtual threads are reached by reflection: the tests compile for
 * Java 17.
 */
public final class VirtualThreadJobsApp {

  static volatile double sink;

  static ExecutorService virtualThreadPerTask() throws Exception {
    return (ExecutorService)
        Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  static void compute(long millis, boolean cube) {
    long end = System.nanoTime() + millis * 1_000_000L;
    double x = sink;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 1000; i++) {
        x += cube ? Math.cbrt(x + i) : Math.sqrt(x + i);
      }
    }
    sink = x;
  }

  /** Computes 1.2 s, then sleeps 0.3 s: parked, unmounted from its carrier. */
  public static final class ComputeThenParkJob {
    public void run() throws InterruptedException {
      computeHot(1200);
      parkedInSleep(300);
    }

    static void computeHot(long millis) {
      compute(millis, false);
    }

    static void parkedInSleep(long millis) throws InterruptedException {
      Thread.sleep(millis);
    }
  }

  /** Two jobs that share one virtual-thread executor for their hot work. */
  public static final class SharedExecutorJob {
    public void runAlpha(ExecutorService shared) throws Exception {
      shared.submit(() -> hotAlpha(1200)).get();
    }

    public void runBeta(ExecutorService shared) throws Exception {
      CompletableFuture.runAsync(() -> hotBeta(1200), shared).get();
    }

    static void hotAlpha(long millis) {
      compute(millis, false);
    }

    static void hotBeta(long millis) {
      compute(millis, true);
    }
  }

  /**
   * A platform-thread job computes, then completes a future that a virtual-thread job has been
   * waiting on: the scheduler resumes the waiting virtual thread from the first job's context.
   */
  public static final class HandshakeJob {
    public void produce(CompletableFuture<Double> result) {
      producerHot(1200);
      result.complete(sink);
    }

    public void consume(CompletableFuture<Double> result) throws Exception {
      awaitProducer(result);
      consumerHot(600);
    }

    static void producerHot(long millis) {
      compute(millis, false);
    }

    static void awaitProducer(CompletableFuture<Double> result) throws Exception {
      result.get();
    }

    static void consumerHot(long millis) {
      compute(millis, true);
    }
  }

  public static void main(String[] args) throws Exception {
    ExecutorService jobs = virtualThreadPerTask();
    switch (args[0]) {
      case "compute-then-park":
        jobs.submit(
                () -> {
                  new ComputeThenParkJob().run();
                  return null;
                })
            .get();
        break;
      case "shared-executor":
        {
          ExecutorService shared = virtualThreadPerTask();
          Future<?> a =
              jobs.submit(
                  () -> {
                    new SharedExecutorJob().runAlpha(shared);
                    return null;
                  });
          Future<?> b =
              jobs.submit(
                  () -> {
                    new SharedExecutorJob().runBeta(shared);
                    return null;
                  });
          a.get();
          b.get();
          break;
        }
      case "handshake":
        {
          CompletableFuture<Double> result = new CompletableFuture<>();
          Future<?> consumer =
              jobs.submit(
                  () -> {
                    new HandshakeJob().consume(result);
                    return null;
                  });
          ExecutorService platform = Executors.newSingleThreadExecutor();
          Future<?> producer = platform.submit(() -> new HandshakeJob().produce(result));
          producer.get();
          consumer.get();
          platform.shutdown();
          break;
        }
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.out.println("done " + args[0]);
    System.exit(0);
  }
}
