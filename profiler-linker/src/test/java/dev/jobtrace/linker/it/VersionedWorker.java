package dev.jobtrace.linker.it;

import java.util.Date;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * A worker of one deploy: {@code runs} runs of the report job taking {@code millis} each, then a
 * cleanup job that fails once and succeeds once, then a Quartz rollup that fires {@link
 * #LATE_BY_MILLIS} late and runs briefly: a job that waits longer than it runs. Two deploys of it,
 * slow and fixed, are a before and an after.
 */
public final class VersionedWorker {

  /** How late the rollup's trigger fires, which its queue latency shows. */
  public static final long LATE_BY_MILLIS = 3000;

  static volatile double sink;
  static final CountDownLatch rolledUp = new CountDownLatch(1);

  /** Works for 50 ms, after waiting {@link #LATE_BY_MILLIS} in Quartz for its turn. */
  public static final class RollupJob implements org.quartz.Job {
    @Override
    public void execute(JobExecutionContext context) {
      try {
        compute(50);
      } finally {
        rolledUp.countDown();
      }
    }
  }

  public static final class ReportJob {
    public void run(long millis) {
      compute(millis);
    }
  }

  static void compute(long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    double x = sink;
    while (System.nanoTime() < end) {
      x += Math.sqrt(x + 1);
    }
    sink = x;
  }

  public static final class CleanupJob {
    public void run(boolean fail) {
      if (fail) {
        throw new IllegalStateException("cleanup failed");
      }
    }
  }

  public static void main(String[] args) throws Exception {
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
    Properties quartz = new Properties();
    quartz.setProperty("org.quartz.scheduler.instanceName", "jobs-page-worker");
    quartz.setProperty("org.quartz.threadPool.threadCount", "1");
    Scheduler scheduler = new StdSchedulerFactory(quartz).getScheduler();
    scheduler.start();
    scheduler.scheduleJob(
        JobBuilder.newJob(RollupJob.class).withIdentity("nightly-rollup", "reports").build(),
        TriggerBuilder.newTrigger()
            .withIdentity("late", "reports")
            .startAt(new Date(System.currentTimeMillis() - LATE_BY_MILLIS))
            .build());
    boolean ran = rolledUp.await(60, TimeUnit.SECONDS);
    scheduler.shutdown(true);
    System.out.println(ran ? "done" : "the rollup never ran");
  }
}
