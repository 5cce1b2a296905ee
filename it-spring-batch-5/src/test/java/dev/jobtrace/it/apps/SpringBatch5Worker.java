package dev.jobtrace.it.apps;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JobRepositoryFactoryBean;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemReader;
import org.springframework.batch.item.ItemWriter;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Spring Batch 5 jobs written as its reference guide writes them (a JDBC job repository on
 * PostgreSQL, chunk steps of a reader, a processor and a writer), for the job-span contract of
 * {@code SpringBatchJobSpansContract}.
 */
public final class SpringBatch5Worker {

  static volatile boolean ledgerDown = true;

  public static void main(String[] args) {
    try {
      if (args.length > 0 && args[0].equals("bench")) {
        bench(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        System.exit(0);
      }
      runJobs();
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.out.println("batch jobs finished");
    System.exit(0);
  }

  static void runJobs() throws Exception {
    Backends.start();
    System.out.println(
        "spring-batch from "
            + Job.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    for (int i = 0; i < 600; i++) {
      Backends.redis.set("customer:" + (10_000 + i), "customer " + i);
    }
    JdbcTemplate jdbc = new JdbcTemplate(Backends.dataSource);
    new ResourceDatabasePopulator(
            new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"))
        .execute(Backends.dataSource);
    jdbc.execute("create table imported (id int primary key, name text)");
    JdbcTransactionManager tx = new JdbcTransactionManager(Backends.dataSource);
    JobRepository repository = repository(tx);
    TaskExecutorJobLauncher launcher = launcher(repository);
    ThreadPoolTaskExecutor workers = new ThreadPoolTaskExecutor();
    workers.setCorePoolSize(3);
    workers.setThreadNamePrefix("batch-worker-");
    workers.initialize();

    ItemWriter<Integer> insert =
        chunk ->
            jdbc.batchUpdate(
                "insert into imported (id, name) values (?, ?) on conflict (id) do nothing",
                chunk.getItems(),
                chunk.size(),
                (ps, id) -> {
                  ps.setInt(1, id);
                  ps.setString(2, "customer " + id);
                });

    Step importStep =
        new StepBuilder("import", repository)
            .<Integer, Integer>chunk(100, tx)
            .reader(upTo(600))
            .processor(
                id -> {
                  Backends.redis.get("customer:" + (10_000 + id));
                  return id % 50 == 0 ? null : id;
                })
            .writer(insert)
            .build();
    Step report =
        new StepBuilder("report", repository)
            .tasklet(
                (contribution, context) -> {
                  jdbc.queryForObject("select count(*) from imported", Long.class);
                  return RepeatStatus.FINISHED;
                },
                tx)
            .build();
    Job importCustomers =
        new JobBuilder("import-customers", repository).start(importStep).next(report).build();

    Step load =
        new StepBuilder("load", repository)
            .<Integer, Integer>chunk(100, tx)
            .reader(upTo(500))
            .processor(
                id -> {
                  Backends.redis.get("customer:" + (10_000 + id));
                  return id == 250 ? slowItem(id) : id;
                })
            .writer(insert)
            .build();
    Job slowChunk = new JobBuilder("slow-chunk", repository).start(load).build();

    Job settle =
        new JobBuilder("settle", repository)
            .start(
                new StepBuilder("post", repository)
                    .<Integer, Integer>chunk(20, tx)
                    .reader(upTo(100))
                    .processor(
                        id -> {
                          Backends.redis.get("customer:" + (10_000 + id));
                          if (ledgerDown && id == 42) {
                            throw new IllegalStateException("ledger rejected item 42");
                          }
                          return id;
                        })
                    .writer(insert)
                    .build())
            .build();

    Job parallel =
        new JobBuilder("parallel-import", repository)
            .start(
                new StepBuilder("parallel", repository)
                    .<Integer, Integer>chunk(50, tx)
                    .reader(upTo(400))
                    .processor(
                        id -> {
                          Backends.redis.get("customer:" + (10_000 + id));
                          return id;
                        })
                    .writer(insert)
                    .taskExecutor(workers)
                    .build())
            .build();

    Step worker =
        new StepBuilder("worker", repository)
            .<Integer, Integer>chunk(25, tx)
            .reader(partitionReader())
            .processor(
                id -> {
                  Backends.redis.get("customer:" + (10_000 + id));
                  return id;
                })
            .writer(insert)
            .build();
    Partitioner thirds =
        gridSize -> {
          Map<String, ExecutionContext> partitions = new HashMap<>();
          for (int i = 0; i < gridSize; i++) {
            ExecutionContext context = new ExecutionContext();
            context.putInt("from", i * 100);
            partitions.put("partition" + i, context);
          }
          return partitions;
        };
    Job partitioned =
        new JobBuilder("partitioned-import", repository)
            .start(
                new StepBuilder("partitioned", repository)
                    .partitioner("worker", thirds)
                    .step(worker)
                    .gridSize(3)
                    .taskExecutor(workers)
                    .build())
            .build();

    run(
        launcher,
        importCustomers,
        new JobParametersBuilder()
            .addLong("run", 1L)
            .addString("source", "crm-export.csv")
            .toJobParameters());
    run(launcher, slowChunk, new JobParametersBuilder().addLong("run", 1L).toJobParameters());
    JobParameters day = new JobParametersBuilder().addString("day", "2026-12-01").toJobParameters();
    run(launcher, settle, day);
    ledgerDown = false;
    run(launcher, settle, day);
    run(launcher, parallel, new JobParametersBuilder().addLong("run", 1L).toJobParameters());
    run(launcher, partitioned, new JobParametersBuilder().addLong("run", 1L).toJobParameters());
    workers.shutdown();
  }

  /**
   * For the bench: {@code reps} timed runs (after two warm-up runs) of a chunk step of {@code
   * items} items in chunks of 100 that do no I/O of their own, so what a run costs beyond Spring
   * Batch and its job repository is the tracing of its job, step and chunks; a "job-ms" and a
   * "cpu-ms" line (the process's CPU over the run, every thread) per timed run.
   */
  static void bench(int items, int reps) throws Exception {
    Backends.start();
    new ResourceDatabasePopulator(
            new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"))
        .execute(Backends.dataSource);
    JdbcTransactionManager tx = new JdbcTransactionManager(Backends.dataSource);
    JobRepository repository = repository(tx);
    TaskExecutorJobLauncher launcher = launcher(repository);
    long[] sum = new long[1];
    Job job =
        new JobBuilder("bench-items", repository)
            .start(
                new StepBuilder("items", repository)
                    .<Integer, Integer>chunk(100, tx)
                    .reader(upTo(items))
                    .processor(id -> id * 31 + 7)
                    .writer(chunk -> chunk.forEach(i -> sum[0] += i))
                    .build())
            .build();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < reps + 2; i++) {
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      launcher.run(job, new JobParametersBuilder().addLong("run", (long) i).toJobParameters());
      long wall = (System.nanoTime() - start) / 1_000_000;
      long cpuMs = (os.getProcessCpuTime() - cpu) / 1_000_000;
      if (i >= 2) {
        System.out.println("job-ms " + wall);
        System.out.println("cpu-ms " + cpuMs);
      }
    }
  }

  /** The JDBC job repository on the run's database. */
  static JobRepository repository(JdbcTransactionManager tx) throws Exception {
    JobRepositoryFactoryBean factory = new JobRepositoryFactoryBean();
    factory.setDataSource(Backends.dataSource);
    factory.setTransactionManager(tx);
    factory.afterPropertiesSet();
    return factory.getObject();
  }

  static TaskExecutorJobLauncher launcher(JobRepository repository) throws Exception {
    TaskExecutorJobLauncher launcher = new TaskExecutorJobLauncher();
    launcher.setJobRepository(repository);
    launcher.afterPropertiesSet();
    return launcher;
  }

  static void run(TaskExecutorJobLauncher launcher, Job job, JobParameters parameters)
      throws Exception {
    var execution = launcher.run(job, parameters);
    System.out.println(job.getName() + ": " + execution.getStatus());
    for (var step : execution.getStepExecutions()) {
      System.out.println(
          "  "
              + step.getStepName()
              + ": read "
              + step.getReadCount()
              + ", wrote "
              + step.getWriteCount()
              + ", "
              + step.getCommitCount()
              + " commits");
    }
  }

  /** The item ids 0 .. n-1 for each step execution, safe for several threads to read at once. */
  static ItemReader<Integer> upTo(int n) {
    Map<Long, AtomicInteger> cursors = new ConcurrentHashMap<>();
    return () -> {
      long execution = StepSynchronizationManager.getContext().getStepExecution().getId();
      int id = cursors.computeIfAbsent(execution, k -> new AtomicInteger()).getAndIncrement();
      return id < n ? id : null;
    };
  }

  /** A partition's 100 ids, from the execution context of the partition's step. */
  static ItemReader<Integer> partitionReader() {
    Map<Integer, AtomicInteger> cursors = new ConcurrentHashMap<>();
    return () -> {
      int from =
          (Integer) StepSynchronizationManager.getContext().getStepExecutionContext().get("from");
      int id = cursors.computeIfAbsent(from, AtomicInteger::new).getAndIncrement();
      return id < from + 100 ? id : null;
    };
  }

  static Integer slowItem(int id) throws InterruptedException {
    Thread.sleep(800);
    return id;
  }
}
