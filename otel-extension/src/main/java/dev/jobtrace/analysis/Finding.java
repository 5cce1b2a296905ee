package dev.jobtrace.analysis;

/** One thing the job span says about its own trace. */
public final class Finding {
  public final String kind;
  public final String summary;
  public final long count;
  public final long totalMillis;
  public final long maxMillis;
  public final String statement;
  /** What usually fixes it, where jobtrace can say; null otherwise. */
  public final String fix;

  Finding(String kind, String summary, long count, long totalMillis, long maxMillis, String statement) {
    this(kind, summary, count, totalMillis, maxMillis, statement, null);
  }

  Finding(String kind, String summary, long count, long totalMillis, long maxMillis, String statement, String fix) {
    this.fix = fix;
    this.kind = kind;
    this.summary = summary;
    this.count = count;
    this.totalMillis = totalMillis;
    this.maxMillis = maxMillis;
    this.statement = statement;
  }
}
