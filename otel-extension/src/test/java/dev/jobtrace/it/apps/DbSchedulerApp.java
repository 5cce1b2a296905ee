package dev.jobtrace.it.apps;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A db-scheduler worker written the way its guide writes one: a one-time task reading Redis 500
 * times, a recurring task, and a one-time task that fails every time and is retried twice.
 */
public final class DbSchedulerApp {

  static final CountDownLatch imported = new CountDownLatch(1);
  static final CountDownLatch refreshed = new CountDownLatch(2);
  static final CountDownLatch partnerAttempts = new CountDownLatch(3);

  static final OneTimeTask<Void> IMPORT =
      Tasks.oneTime("customer-import")
          .execute(
              (instance, context) -> {
                long found = 0;
                for (int i = 0; i < 500; i++) {
                  found += Backends.redis.get("customer:" + (10_000 + i)).length();
                }
                System.out.println("imported " + found);
                imported.countDown();
              });

  static final OneTimeTask<Void> PARTNER_SYNC =
      Tasks.oneTime("partner-sync")
          .onFailure(
              new FailureHandler.MaxRetriesFailureHandler<>(
                  2, new FailureHandler.OnFailureRetryLater<>(Duration.ofMillis(100))))
          .execute(
              (instance, context) -> {
                Backends.redis.get("partner-token");
                partnerAttempts.countDown();
                throw new IllegalStateException("partner answered 503");
              });

  static final RecurringTask<Void> REFRESH =
      Tasks.recurring("cache-refresh", FixedDelay.ofMillis(300))
          .execute(
              (instance, context) -> {
                Backends.redis.get("cache-version");
                refreshed.countDown();
              });

  public static void main(String[] args) throws Exception {
    Backends.start();
    System.out.println(
        "db-scheduler from "
            + Scheduler.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    try (Connection c = Backends.dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "create table scheduled_tasks (task_name text not null, task_instance text not null, task_data bytea,"
              + " execution_time timestamp with time zone not null, picked boolean not null, picked_by text,"
              + " last_success timestamp with time zone, last_failure timestamp with time zone, consecutive_failures int,"
              + " last_heartbeat timestamp with time zone, version bigint not null, priority smallint,"
              + " primary key (task_name, task_instance))");
    }
    for (int i = 0; i < 500; i++) {
      Backends.redis.set("customer:" + (10_000 + i), "customer " + i);
    }
    Scheduler scheduler =
        Scheduler.create(Backends.dataSource, IMPORT, PARTNER_SYNC)
            .startTasks(REFRESH)
            .pollingInterval(Duration.ofMillis(100))
            .threads(2)
            .build();
    scheduler.start();
    scheduler.schedule(IMPORT.instance("batch-1"), Instant.now());
    scheduler.schedule(PARTNER_SYNC.instance("acme"), Instant.now());
    boolean done =
        imported.await(60, TimeUnit.SECONDS)
            && refreshed.await(60, TimeUnit.SECONDS)
            && partnerAttempts.await(60, TimeUnit.SECONDS);
    // Polls keep going while the worker idles: none of them may become a trace.
    Thread.sleep(1000);
    scheduler.stop();
    System.out.println(done ? "tasks finished" : "tasks did not finish");
    System.exit(0);
  }
}
