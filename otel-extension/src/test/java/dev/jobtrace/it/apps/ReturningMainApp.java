package dev.jobtrace.it.apps;

/**
 * A worker of the run-once kind (a cron job, a Kubernetes Job): its one job runs on the main thread
 * and the JVM exits as {@code main} returns, with no {@code System.exit}.
 */
public final class ReturningMainApp {

  /** About 1 s in {@link #importRows}, then about 0.4 s in {@link #finishUp}, its last act. */
  public static final class RunOnceJob {
    public void run() {
      importRows(1000);
      finishUp(400);
    }

    static void importRows(long millis) {
      ProfiledJobsApp.MixedWorkJob.computeHot(millis);
    }

    static void finishUp(long millis) {
      ProfiledJobsApp.MixedWorkJob.computeHot(millis);
    }
  }

  public static void main(String[] args) {
    new RunOnceJob().run();
    System.out.println("done");
  }
}
