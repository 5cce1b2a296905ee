package dev.jobtrace.it.apps;

import org.jobrunr.scheduling.BackgroundJob;

/** Stands for the traced request that enqueues jobs (the tests give it a span). */
public final class Requests {

  private Requests() {}

  /** Returns how many jobs it enqueued. */
  public static int handleEnqueueRequest(String scenario) {
    SampleJobs jobs = new SampleJobs();
    switch (scenario) {
      case "work":
        BackgroundJob.enqueue(() -> jobs.syncRecords(3));
        return 1;
      case "retry":
        BackgroundJob.enqueue(() -> jobs.failTwiceThenSucceed("k1"));
        return 1;
      case "payload":
        {
          java.util.List<String> large = SampleJobs.rows(8_000);
          java.util.List<String> small = SampleJobs.rows(20);
          BackgroundJob.enqueue(() -> jobs.importRows(large));
          BackgroundJob.enqueue(() -> jobs.importRows(small));
          return 2;
        }
      default:
        throw new IllegalArgumentException("unknown scenario " + scenario);
    }
  }
}
