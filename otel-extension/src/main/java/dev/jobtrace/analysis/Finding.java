package dev.jobtrace.analysis;

/**
 * One thing the job span says about its own trace.
 *
 * @param fix what usually fixes it, where jobtrace can say; null otherwise
 */
public record Finding(
    String kind,
    String summary,
    long count,
    long totalMillis,
    long maxMillis,
    String statement,
    String fix) {

  Finding(
      String kind, String summary, long count, long totalMillis, long maxMillis, String statement) {
    this(kind, summary, count, totalMillis, maxMillis, statement, null);
  }
}
