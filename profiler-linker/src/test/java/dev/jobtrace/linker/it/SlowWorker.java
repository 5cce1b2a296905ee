package dev.jobtrace.linker.it;

/** A worker whose one job spends its time in a frame the tests look for. */
public final class SlowWorker {

  static volatile double sink;

  public static final class InvoiceExportJob {
    public void run() {
      serializeInvoices(1500);
    }

    static void serializeInvoices(long millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      double x = sink;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      sink = x;
    }
  }

  public static void main(String[] args) {
    new InvoiceExportJob().run();
    System.out.println("done");
  }
}
