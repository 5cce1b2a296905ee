package dev.jobtrace.it.apps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.jobrunr.jobs.annotations.Job;

/** Jobs that touch every kind of backend, on the job thread and in a pool. */
public class SampleJobs {

  public void syncRecords(int records) throws Exception {
    Backends.redis.set("reference-data", "v1");
    for (int i = 0; i < records; i++) {
      Backends.redis.get("reference-data");
    }
    try (Connection c = Backends.dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("insert into records (value) values (?)")) {
      for (int i = 0; i < records; i++) {
        ps.setString(1, "record-" + i);
        ps.executeUpdate();
      }
    }
    Backends.callPartner("on-job-thread");

    Future<Long> pooled =
        Backends.pool.submit(
            () -> {
              Backends.redis.get("pool-key");
              return Backends.countRecords();
            });
    pooled.get();
    CompletableFuture.supplyAsync(
            () -> {
              try {
                return Backends.callPartner("in-future");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            Backends.pool)
        .get();
  }

  @Job(retries = 2)
  public void failTwiceThenSucceed(String key) {
    long attempt = Backends.redis.incr("attempts:" + key);
    if (attempt <= 2) {
      throw new IllegalStateException("attempt " + attempt + " fails on purpose");
    }
    Backends.redis.set("done:" + key, "yes");
  }

  /** Imports the rows it was handed as its argument: the job's stored form holds them all. */
  public void importRows(java.util.List<String> rows) {
    Backends.redis.set("imported:" + rows.size(), String.valueOf(rows.size()));
  }

  /** The rows of an import, as a caller passes them to the job. */
  public static java.util.List<String> rows(int count) {
    java.util.List<String> rows = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add("row " + i + ",customer-" + (i % 97) + ",2026-12-03,amount " + (i * 7 % 1000));
    }
    return rows;
  }
}
