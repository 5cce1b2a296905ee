package dev.jobtrace.analysis;

import dev.jobtrace.contract.SpanContract;
import java.util.Locale;

/**
 * The {@code large_payload} finding of a run whose job is stored large: {@code job stored as 2.4 MB
 * (JobRunr's JSON, arguments and all); reading it back took 38 ms}. JobRunr writes the whole job
 * again on every state change (enqueued, processing, succeeded or failed) and reads it back for the
 * run, so the size costs on every step, in the database and on the wire.
 */
public final class LargePayloads {

  private LargePayloads() {}

  /** Null below {@code minBytes}. */
  public static Finding finding(String job, long bytes, Long readMillis, long minBytes) {
    if (bytes < minBytes) {
      return null;
    }
    String summary =
        "job stored as "
            + size(bytes)
            + " (JobRunr's JSON, arguments and all), written whole on every state change"
            + (readMillis == null
                ? ""
                : "; reading it back for this run took " + readMillis + " ms");
    return new Finding(
        SpanContract.FINDING_KIND_LARGE_PAYLOAD,
        summary,
        bytes,
        readMillis == null ? 0 : readMillis,
        0,
        job,
        "pass an id and load the data inside the job (or keep large inputs in a table or object"
            + " store the job reads); job arguments are for ids and small values");
  }

  static String size(long bytes) {
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
    return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
  }
}
