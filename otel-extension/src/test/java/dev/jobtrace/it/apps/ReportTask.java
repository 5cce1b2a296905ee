package dev.jobtrace.it.apps;

/** A plain method that the tests name in otel.jobtrace.jobs. */
public final class ReportTask {

  public void run() throws Exception {
    Backends.redis.get("report-settings");
    Backends.countRecords();
  }
}
