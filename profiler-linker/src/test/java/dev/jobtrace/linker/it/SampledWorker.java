package dev.jobtrace.linker.it;

/**
 * A worker running 100 imports, every tenth of them slow (600 ms of work), then one last slow run
 * that marks the end: traces reach the tail sampler in the order the jobs ran.
 */
public final class SampledWorker {

  public static final int RUNS = 100;
  public static final int SLOW_EVERY = 10;

  public static final class ImportJob {
    public void run(int n) {
      work(n % SLOW_EVERY == 0 ? 600 : 5);
    }

    public void last() {
      work(600);
    }

    /** Computes for {@code millis}, as the slow worker's job does. */
    static void work(long millis) {
      SlowWorker.InvoiceExportJob.serializeInvoices(millis);
    }
  }

  public static void main(String[] args) {
    ImportJob job = new ImportJob();
    for (int n = 1; n <= RUNS; n++) {
      job.run(n);
    }
    job.last();
    System.out.println("done");
  }
}
