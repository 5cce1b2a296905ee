package dev.jobtrace.examples;

import dev.jobtrace.examples.export.InvoiceExportJob;
import dev.jobtrace.examples.lookup.CustomerLookupJob;
import dev.jobtrace.examples.prices.PriceImportJob;
import dev.jobtrace.examples.reference.ReferenceDataJob;
import dev.jobtrace.examples.report.ClientReportBatch;
import dev.jobtrace.examples.report.ClientReportJob;
import dev.jobtrace.examples.settlement.WalletSettlementJob;
import dev.jobtrace.examples.sync.PartnerSyncJob;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jobrunr.jobs.lambdas.JobLambda;
import org.jobrunr.scheduling.BackgroundJob;

/** The example jobs by name, each with a slow and a fixed variant. */
public final class JobCatalog {

  public static final List<String> VARIANTS = Arrays.asList("slow", "fixed");

  /** The run of a variant, as JobRunr stores it. */
  private interface Enqueuer {
    JobLambda run(String variant);
  }

  private static final Map<String, Enqueuer> JOBS = new LinkedHashMap<>();

  static {
    ReferenceDataJob reference = new ReferenceDataJob();
    CustomerLookupJob customerLookup = new CustomerLookupJob();
    ClientReportJob clientReport = new ClientReportJob();
    ClientReportBatch clientReportBatch = new ClientReportBatch();
    PartnerSyncJob partnerSync = new PartnerSyncJob();
    InvoiceExportJob invoiceExport = new InvoiceExportJob();
    WalletSettlementJob settlement = new WalletSettlementJob();
    PriceImportJob priceImport = new PriceImportJob();
    JOBS.put(
        "reference-data", v -> v.equals("slow") ? () -> reference.slow() : () -> reference.fixed());
    JOBS.put(
        "customer-lookup",
        v -> v.equals("slow") ? () -> customerLookup.slow() : () -> customerLookup.fixed());
    JOBS.put(
        "client-report",
        v -> v.equals("slow") ? () -> clientReport.slow() : () -> clientReport.fixed());
    // Story 2 again as a Spring Batch job, launched by a JobRunr run as a nightly schedule would.
    JOBS.put(
        "client-report-batch",
        v -> v.equals("slow") ? () -> clientReportBatch.slow() : () -> clientReportBatch.fixed());
    JOBS.put(
        "partner-sync",
        v -> v.equals("slow") ? () -> partnerSync.slow() : () -> partnerSync.fixed());
    JOBS.put(
        "invoice-export",
        v -> v.equals("slow") ? () -> invoiceExport.slow() : () -> invoiceExport.fixed());
    JOBS.put(
        "wallet-settlement",
        v -> v.equals("slow") ? () -> settlement.slow() : () -> settlement.fixed());
    JOBS.put(
        "price-import",
        v -> {
          List<String> rows = PriceImportJob.priceList();
          if (v.equals("slow")) {
            return () -> priceImport.slow(rows);
          }
          long upload = stage(rows);
          return () -> priceImport.fixed(upload);
        });
  }

  private static long stage(List<String> rows) {
    try {
      return PriceImportJob.stage(rows);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("staging the price list failed: " + e.getMessage(), e);
    }
  }

  private JobCatalog() {}

  public static List<String> names() {
    return List.copyOf(JOBS.keySet());
  }

  /** Enqueues one run; throws {@link IllegalArgumentException} naming what is valid. */
  public static UUID enqueue(String job, String variant) {
    return enqueue(job, variant, null);
  }

  /**
   * Enqueues one run, or with {@code at} schedules it for then: runs scheduled for one instant are
   * enqueued together and start together, where runs enqueued one after the other may be picked up
   * by different polls.
   */
  public static UUID enqueue(String job, String variant, Instant at) {
    Enqueuer enqueuer = JOBS.get(job);
    if (enqueuer == null) {
      throw new IllegalArgumentException(
          "unknown job \"" + job + "\"; known jobs: " + String.join(", ", names()));
    }
    if (!VARIANTS.contains(variant)) {
      throw new IllegalArgumentException("unknown variant \"" + variant + "\"; use slow or fixed");
    }
    JobLambda run = enqueuer.run(variant);
    return (at == null ? BackgroundJob.enqueue(run) : BackgroundJob.schedule(at, run)).asUUID();
  }
}
