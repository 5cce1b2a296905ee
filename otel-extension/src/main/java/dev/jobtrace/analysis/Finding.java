package dev.jobtrace.analysis;

/**
 * One thing the job span says about its own trace.
 *
 * @param fix what usually fixes it, where jobtrace can say; null otherwise
 * @param calledFrom the application frame the finding's time was spent under, where the profile
 *     tells; null otherwise
 */
public record Finding(
    String kind,
    String summary,
    long count,
    long totalMillis,
    long maxMillis,
    String statement,
    String fix,
    String calledFrom) {

  public Finding(
      String kind,
      String summary,
      long count,
      long totalMillis,
      long maxMillis,
      String statement,
      String fix) {
    this(kind, summary, count, totalMillis, maxMillis, statement, fix, null);
  }

  Finding(
      String kind, String summary, long count, long totalMillis, long maxMillis, String statement) {
    this(kind, summary, count, totalMillis, maxMillis, statement, null, null);
  }
}
