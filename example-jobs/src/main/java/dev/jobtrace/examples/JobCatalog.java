package dev.jobtrace.examples;

import dev.jobtrace.examples.export.InvoiceExportJob;
import dev.jobtrace.examples.lookup.CustomerLookupJob;
import dev.jobtrace.examples.prices.PriceImportJob;
import dev.jobtrace.examples.reference.ReferenceDataJob;
import dev.jobtrace.examples.report.ClientReportBatch;
import dev.jobtrace.examples.report.ClientReportJob;
import dev.jobtrace.examples.settlement.WalletSettlementJob;
import dev.jobtrace.examples.sync.PartnerSyncJob;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jobrunr.scheduling.BackgroundJob;

/** The example jobs by name, each with a slow and a fixed variant. */
public final class JobCatalog {

  public static final List<String> VARIANTS = Arrays.asList("slow", "fixed");

  private interface Enqueuer {
    UUID enqueue(String variant);
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
        "reference-data",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> reference.slow()).asUUID()
                : BackgroundJob.enqueue(() -> reference.fixed()).asUUID());
    JOBS.put(
        "customer-lookup",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> customerLookup.slow()).asUUID()
                : BackgroundJob.enqueue(() -> customerLookup.fixed()).asUUID());
    JOBS.put(
        "client-report",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> clientReport.slow()).asUUID()
                : BackgroundJob.enqueue(() -> clientReport.fixed()).asUUID());
    // Story 2 again as a Spring Batch job, launched by a JobRunr run as a nightly schedule would.
    JOBS.put(
        "client-report-batch",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> clientReportBatch.slow()).asUUID()
                : BackgroundJob.enqueue(() -> clientReportBatch.fixed()).asUUID());
    JOBS.put(
        "partner-sync",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> partnerSync.slow()).asUUID()
                : BackgroundJob.enqueue(() -> partnerSync.fixed()).asUUID());
    JOBS.put(
        "invoice-export",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> invoiceExport.slow()).asUUID()
                : BackgroundJob.enqueue(() -> invoiceExport.fixed()).asUUID());
    JOBS.put(
        "wallet-settlement",
        v ->
            v.equals("slow")
                ? BackgroundJob.enqueue(() -> settlement.slow()).asUUID()
                : BackgroundJob.enqueue(() -> settlement.fixed()).asUUID());
    JOBS.put(
        "price-import",
        v -> {
          List<String> rows = PriceImportJob.priceList();
          if (v.equals("slow")) {
            return BackgroundJob.enqueue(() -> priceImport.slow(rows)).asUUID();
          }
          long upload = stage(rows);
          return BackgroundJob.enqueue(() -> priceImport.fixed(upload)).asUUID();
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
    Enqueuer enqueuer = JOBS.get(job);
    if (enqueuer == null) {
      throw new IllegalArgumentException(
          "unknown job \"" + job + "\"; known jobs: " + String.join(", ", names()));
    }
    if (!VARIANTS.contains(variant)) {
      throw new IllegalArgumentException("unknown variant \"" + variant + "\"; use slow or fixed");
    }
    return enqueuer.enqueue(variant);
  }
}
