package dev.jobtrace.linker.it;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A job of two stages, one after the other, 60 times: parse each batch on the job's thread, then
 * hand it to a pool thread to store while the job's thread waits. The opening a stack chart shows
 * and a flame graph cannot: the stages never overlap.
 */
public final class AlternatingWorker {

  static final int ROUNDS = 60;

  public static final class Pipeline {
    private final ExecutorService pool = Executors.newFixedThreadPool(1);

    public void run() throws Exception {
      for (int round = 0; round < ROUNDS; round++) {
        parse(60);
        awaitStore(pool.submit(() -> store(60)));
      }
      pool.shutdown();
    }

    static void parse(long millis) {
      SlowWorker.InvoiceExportJob.serializeInvoices(millis);
    }

    static void awaitStore(Future<?> stored) throws Exception {
      stored.get();
    }

    static Object store(long millis) throws InterruptedException {
      Thread.sleep(millis);
      return null;
    }
  }

  public static void main(String[] args) throws Exception {
    new Pipeline().run();
    // A worker stays up after its job; how long, the test says.
    Thread.sleep(Long.getLong("linger.ms", 0));
    System.out.println("done");
  }
}
