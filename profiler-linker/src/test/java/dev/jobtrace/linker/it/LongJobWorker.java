package dev.jobtrace.linker.it;

import com.sun.net.httpserver.HttpServer;

/**
 * A worker whose report job runs far longer than a tail sampler's decision wait: it asks a service
 * (a server in the same JVM) for one page every 600 ms, {@link #CALLS} pages in all, so its calls'
 * spans reach the collector long before its job span does. One last slow run ({@code last}, 600 ms
 * of work) marks the end.
 */
public final class LongJobWorker {

  public static final int CALLS = 25;

  public static final class ReportJob {
    public void run() throws Exception {
      for (int page = 1; page <= CALLS; page++) {
        FleetWorker.ImportJob.call("/pages/" + page);
        Thread.sleep(600);
      }
    }

    public void last() {
      SampledWorker.ImportJob.work(600);
    }
  }

  public static void main(String[] args) throws Exception {
    HttpServer server = FleetWorker.serve();
    ReportJob job = new ReportJob();
    job.run();
    job.last();
    server.stop(0);
    System.out.println("done");
  }
}
