package dev.jobtrace.linker.it;

/**
 * A worker of one deploy: {@code runs} runs of the report job taking {@code millis} each, then a
 * cleanup job that fails once and succeeds once. Two deploys of it, slow and fixed, are a before
 * and an after.
 */
public final class VersionedWorker {

  static volatile double sink;

  public static final class ReportJob {
    public void run(long millis) {
      long end = System.nanoTime() + millis * 1_000_000L;
      double x = sink;
      while (System.nanoTime() < end) {
        x += Math.sqrt(x + 1);
      }
      sink = x;
    }
  }

  public static final class CleanupJob {
    public void run(boolean fail) {
      if (fail) {
        throw new IllegalStateException("cleanup failed");
      }
    }
  }

  public static void main(String[] args) {
    long millis = Long.parseLong(args[0]);
    int runs = Integer.parseInt(args[1]);
    for (int i = 0; i < runs; i++) {
      new ReportJob().run(millis);
    }
    CleanupJob cleanup = new CleanupJob();
    for (boolean fail : new boolean[] {true, false}) {
      try {
        cleanup.run(fail);
      } catch (IllegalStateException expected) {
        // a failed run, as a job framework would record it
      }
    }
    System.out.println("done");
  }
}
