package dev.jobtrace.examples.report;

import dev.jobtrace.examples.Backends;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JobRepositoryFactoryBean;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ItemReader;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Story 2 as a Spring Batch job, the way batched reports run in real life: the chunk step {@code
 * read-invoices} reads the client's invoices account by account in keyset batches of 1,000 (one
 * chunk per batch, 90 chunks) with the same two queries as {@link ClientReportJob}, its writer adds
 * each chunk to the month totals, and the step {@code publish} stores them. In the slow variant
 * every chunk's read is a full scan, so the step's read time is nearly all of the job; the fixed
 * variant's index answers each batch at once. A JobRunr job launches it (as a nightly schedule
 * would), so the Spring Batch job is a trace of its own, linked to the JobRunr run that launched
 * it.
 */
public class ClientReportBatch {

  private static volatile Launcher launcher;

  public void slow() throws Exception {
    launcher().run("slow");
  }

  public void fixed() throws Exception {
    launcher().run("fixed");
  }

  private static Launcher launcher() throws Exception {
    Launcher l = launcher;
    if (l == null) {
      synchronized (ClientReportBatch.class) {
        l = launcher;
        if (l == null) {
          l = new Launcher(Backends.database());
          launcher = l;
        }
      }
    }
    return l;
  }

  /** The JDBC job repository in the example database, and the job. */
  static final class Launcher {
    final TaskExecutorJobLauncher jobs = new TaskExecutorJobLauncher();
    final Job job;

    Launcher(DataSource db) throws Exception {
      JdbcTemplate jdbc = new JdbcTemplate(db);
      Boolean exists =
          jdbc.queryForObject(
              "select to_regclass('batch_job_instance') is not null", Boolean.class);
      if (!Boolean.TRUE.equals(exists)) {
        new ResourceDatabasePopulator(
                new ClassPathResource("org/springframework/batch/core/schema-postgresql.sql"))
            .execute(db);
      }
      jdbc.execute(
          "create table if not exists client_report_totals (variant text, month text, amount bigint,"
              + " primary key (variant, month))");
      JdbcTransactionManager tx = new JdbcTransactionManager(db);
      JobRepositoryFactoryBean factory = new JobRepositoryFactoryBean();
      factory.setDataSource(db);
      factory.setTransactionManager(tx);
      factory.afterPropertiesSet();
      JobRepository repository = factory.getObject();
      jobs.setJobRepository(repository);
      jobs.afterPropertiesSet();
      Map<String, Map<String, Long>> totals = new java.util.concurrent.ConcurrentHashMap<>();
      job =
          new JobBuilder("client-report-batch", repository)
              .start(
                  new StepBuilder("read-invoices", repository)
                      .<long[], long[]>chunk(ClientReportJob.BATCH, tx)
                      .reader(new InvoiceReader(db))
                      .writer(
                          chunk -> {
                            String variant = InvoiceReader.variant();
                            for (long[] invoice : chunk) {
                              totals
                                  .computeIfAbsent(variant, v -> new TreeMap<>())
                                  .merge(
                                      java.time.LocalDate.ofEpochDay(invoice[1])
                                          .withDayOfMonth(1)
                                          .toString(),
                                      invoice[2],
                                      Long::sum);
                            }
                          })
                      .build())
              .next(
                  new StepBuilder("publish", repository)
                      .tasklet(
                          (contribution, context) -> {
                            String variant = InvoiceReader.variant();
                            Map<String, Long> byMonth = totals.getOrDefault(variant, Map.of());
                            jdbc.batchUpdate(
                                "insert into client_report_totals (variant, month, amount) values (?, ?, ?)"
                                    + " on conflict (variant, month) do update set amount = excluded.amount",
                                byMonth.entrySet(),
                                byMonth.size(),
                                (ps, e) -> {
                                  ps.setString(1, variant);
                                  ps.setString(2, e.getKey());
                                  ps.setLong(3, e.getValue());
                                });
                            totals.remove(variant);
                            return RepeatStatus.FINISHED;
                          },
                          tx)
                      .build())
              .build();
    }

    void run(String variant) throws Exception {
      JobExecution execution =
          jobs.run(
              job,
              new JobParametersBuilder()
                  .addString("variant", variant)
                  .addLong("requested_at", System.currentTimeMillis())
                  .toJobParameters());
      if (!execution.getStatus().name().equals("COMPLETED")) {
        throw new IllegalStateException(
            "client-report-batch "
                + variant
                + " ended "
                + execution.getStatus()
                + ": "
                + execution.getAllFailureExceptions());
      }
    }
  }

  /**
   * The client's invoices, account by account, in keyset batches of 1,000: a batch is read when the
   * last one is used up. Items are {id, epoch day issued, amount}. One reader per job; a run's
   * variant and cursor live with the step execution on its thread.
   */
  static final class InvoiceReader implements ItemReader<long[]> {
    private final DataSource db;
    private final ThreadLocal<Cursor> cursor = new ThreadLocal<>();

    InvoiceReader(DataSource db) {
      this.db = db;
    }

    static String variant() {
      return org.springframework.batch.core.scope.context.StepSynchronizationManager.getContext()
          .getStepExecution()
          .getJobParameters()
          .getString("variant");
    }

    @Override
    public long[] read() throws SQLException {
      long execution =
          org.springframework.batch.core.scope.context.StepSynchronizationManager.getContext()
              .getStepExecution()
              .getId();
      Cursor c = cursor.get();
      if (c == null || c.execution != execution) {
        c = new Cursor(execution, variant().equals("fixed"));
        cursor.set(c);
      }
      while (c.buffer.isEmpty()) {
        if (c.account == ClientReportJob.ACCOUNTS) {
          return null;
        }
        int read = c.fetch(db);
        if (read < ClientReportJob.BATCH) {
          c.account++;
          c.after = 0;
        }
      }
      return c.buffer.poll();
    }

    static final class Cursor {
      final long execution;
      final boolean withClient;
      final Deque<long[]> buffer = new ArrayDeque<>();
      int account;
      long after;

      Cursor(long execution, boolean withClient) {
        this.execution = execution;
        this.withClient = withClient;
      }

      /** One keyset batch of the current account into the buffer; how many rows it held. */
      int fetch(DataSource db) throws SQLException {
        String sql =
            withClient
                ? "select id, issued_on, amount from client_invoices where client_id = ? and account_id = ? and id > ?"
                    + " order by id limit "
                    + ClientReportJob.BATCH
                : "select id, issued_on, amount from client_invoices where account_id = ? and id > ?"
                    + " order by id limit "
                    + ClientReportJob.BATCH;
        try (Connection conn = db.getConnection();
            PreparedStatement batch = conn.prepareStatement(sql)) {
          int p = 1;
          if (withClient) {
            batch.setInt(p++, ClientReportJob.CLIENT);
          }
          batch.setInt(p++, ClientReportJob.accountId(account));
          batch.setLong(p, after);
          int read = 0;
          try (ResultSet rs = batch.executeQuery()) {
            while (rs.next()) {
              after = rs.getLong(1);
              buffer.add(
                  new long[] {after, rs.getDate(2).toLocalDate().toEpochDay(), rs.getLong(3)});
              read++;
            }
          }
          return read;
        }
      }
    }
  }
}
