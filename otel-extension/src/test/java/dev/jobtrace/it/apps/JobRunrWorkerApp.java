package dev.jobtrace.it.apps;

import java.time.Duration;
import java.time.Instant;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.filters.RetryFilter;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.JobStats;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

/**
 * A JobRunr worker with PostgreSQL storage: enqueues the jobs of one scenario from a "request",
 * runs them on its background job server and exits once all have finished.
 */
public final class JobRunrWorkerApp {

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    System.out.println(
        "jobrunr from "
            + org.jobrunr.jobs.Job.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath());
    Backends.start();

    if (Boolean.getBoolean("app.reportTask")) {
      new ReportTask().run();
    }

    StorageProvider storage = new PostgresStorageProvider(Backends.dataSource);
    JobRunr.configure()
        .useStorageProvider(storage)
        .withJobFilter(new RetryFilter(2, 1))
        .useBackgroundJobServer(
            BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                .andPollIntervalInSeconds(5)
                .andWorkerCount(2))
        .initialize();

    int expected = Requests.handleEnqueueRequest(scenario);

    Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
    while (true) {
      JobStats stats = storage.getJobStats();
      boolean settled =
          stats.getEnqueued() == 0 && stats.getProcessing() == 0 && stats.getScheduled() == 0;
      if (settled && stats.getSucceeded() + stats.getFailed() >= expected) {
        System.out.println(
            "jobs finished: succeeded=" + stats.getSucceeded() + " failed=" + stats.getFailed());
        break;
      }
      if (Instant.now().isAfter(deadline)) {
        System.out.println("jobs did not finish: " + stats);
        System.exit(3);
      }
      Thread.sleep(200);
    }
    System.out.println("records=" + Backends.countRecords());
    JobRunr.destroy();
    System.exit(0);
  }
}
