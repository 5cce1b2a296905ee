package dev.jobtrace.it.apps;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.quartz.QuartzJobBean;

/** One Quartz job and one Spring {@code @Scheduled} method, each run once against real servers. */
public final class SchedulersApp {

  static final CountDownLatch quartzRan = new CountDownLatch(2);
  static final CountDownLatch springRan = new CountDownLatch(1);

  public static class NightlyCleanupJob implements org.quartz.Job {
    @Override
    public void execute(JobExecutionContext context) {
      try {
        Backends.redis.get("cleanup-cursor");
        Backends.countRecords();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        quartzRan.countDown();
      }
    }
  }

  /** How most Spring Boot applications write Quartz jobs. */
  public static class LedgerExportJob extends QuartzJobBean {
    @Override
    protected void executeInternal(JobExecutionContext context) {
      try {
        Backends.redis.get("ledger-export-cursor");
      } finally {
        quartzRan.countDown();
      }
    }
  }

  public static class InventoryRefresher {
    @Scheduled(initialDelay = 100, fixedDelay = 3_600_000)
    public void refreshInventory() throws Exception {
      try {
        Backends.redis.get("inventory-version");
        Backends.callPartner("inventory");
      } finally {
        springRan.countDown();
      }
    }
  }

  @Configuration
  @EnableScheduling
  public static class SchedulingConfig {
    @Bean
    public InventoryRefresher inventoryRefresher() {
      return new InventoryRefresher();
    }
  }

  public static void main(String[] args) throws Exception {
    Backends.start();

    Properties quartz = new Properties();
    quartz.setProperty("org.quartz.scheduler.instanceName", "jobtrace-test");
    quartz.setProperty("org.quartz.threadPool.threadCount", "2");
    quartz.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    Scheduler scheduler = new StdSchedulerFactory(quartz).getScheduler();
    scheduler.start();
    scheduler.scheduleJob(
        JobBuilder.newJob(NightlyCleanupJob.class).withIdentity("nightly-cleanup", "maintenance").build(),
        TriggerBuilder.newTrigger().withIdentity("now", "maintenance").startNow().build());
    scheduler.scheduleJob(
        JobBuilder.newJob(LedgerExportJob.class).withIdentity("ledger-export", "finance").build(),
        TriggerBuilder.newTrigger().withIdentity("soon", "finance").startAt(new java.util.Date(System.currentTimeMillis() + 500)).build());

    AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext(SchedulingConfig.class);

    boolean done = quartzRan.await(60, TimeUnit.SECONDS) & springRan.await(60, TimeUnit.SECONDS);
    scheduler.shutdown(true);
    spring.close();
    System.out.println(done ? "schedulers finished" : "schedulers did not run");
    System.exit(done ? 0 : 3);
  }
}
