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

  /** How late the nightly cleanup fires, which its queue latency must show. */
  public static final long LATE_BY_MILLIS = 3000;

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
    // Quartz's JDBC job store on PostgreSQL, as clustered production schedulers run it.
    createQuartzTables();
    quartz.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    quartz.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    quartz.setProperty("org.quartz.jobStore.dataSource", "main");
    quartz.setProperty("org.quartz.jobStore.isClustered", "true");
    quartz.setProperty("org.quartz.jobStore.clusterCheckinInterval", "500");
    quartz.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    quartz.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
    quartz.setProperty(
        "org.quartz.dataSource.main.connectionProvider.class", PostgresConnections.class.getName());
    Scheduler scheduler = new StdSchedulerFactory(quartz).getScheduler();
    scheduler.start();
    scheduler.scheduleJob(
        JobBuilder.newJob(NightlyCleanupJob.class)
            .withIdentity("nightly-cleanup", "maintenance")
            .build(),
        // Due three seconds before the scheduler started: a run that fires late.
        TriggerBuilder.newTrigger()
            .withIdentity("late", "maintenance")
            .startAt(new java.util.Date(System.currentTimeMillis() - LATE_BY_MILLIS))
            .build());
    scheduler.scheduleJob(
        JobBuilder.newJob(LedgerExportJob.class).withIdentity("ledger-export", "finance").build(),
        TriggerBuilder.newTrigger()
            .withIdentity("soon", "finance")
            .startAt(new java.util.Date(System.currentTimeMillis() + 500))
            .build());

    AnnotationConfigApplicationContext spring =
        new AnnotationConfigApplicationContext(SchedulingConfig.class);

    boolean done = quartzRan.await(60, TimeUnit.SECONDS) & springRan.await(60, TimeUnit.SECONDS);
    // The job store keeps polling and checking in while the scheduler idles: none of it may be a
    // trace.
    Thread.sleep(2000);
    scheduler.shutdown(true);
    spring.close();
    System.out.println(done ? "schedulers finished" : "schedulers did not run");
    System.exit(done ? 0 : 3);
  }

  static void createQuartzTables() throws Exception {
    String ddl;
    try (java.io.InputStream in =
        Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
      ddl = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    StringBuilder sql = new StringBuilder();
    for (String line : ddl.split("\n")) {
      if (!line.trim().startsWith("--") && !line.trim().startsWith("#")) {
        sql.append(line).append('\n');
      }
    }
    try (java.sql.Connection c = Backends.dataSource.getConnection();
        java.sql.Statement st = c.createStatement()) {
      for (String statement : sql.toString().split(";")) {
        String trimmed = statement.trim();
        if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("commit")) {
          st.execute(trimmed);
        }
      }
    }
  }

  /** Quartz's connections from the run's PostgreSQL database. */
  public static final class PostgresConnections implements org.quartz.utils.ConnectionProvider {
    @Override
    public java.sql.Connection getConnection() throws java.sql.SQLException {
      return Backends.dataSource.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }
}
