package dev.jobtrace.analysis;

/** The calls of one job that share a kind and a normalized statement. */
final class CallStats {
  /** The order in which the job first made a call of this shape. */
  final int id;

  final CallKind kind;
  final String statement;
  long count;
  long totalNanos;
  long maxNanos;

  /** Latest end among the calls so far, and whether a call started before an earlier one ended. */
  private long lastEnd = Long.MIN_VALUE;

  boolean overlapped;

  /** The statement's use across the runs of this JVM; null when not compared. */
  Contention.Use use;

  /** Calls made while another run made the statement too, and their time. */
  long sharedCount;

  long sharedNanos;

  /** The other runs met on those calls (at most {@link #MAX_SHARED_WITH}). */
  final java.util.Set<JobAnalysis> sharedWith =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  static final int MAX_SHARED_WITH = 32;

  /** Calls made with no timeout (as the span tells), how many of them were slow, the slowest. */
  long untimedCount;

  long untimedSlowCount;
  long untimedMaxNanos;

  /** Some of those HTTP calls' clients had no connect timeout either. */
  boolean untimedNoConnect;

  CallStats(int id, CallKind kind, String statement) {
    this.id = id;
    this.kind = kind;
    this.statement = statement;
  }

  /** A call made with no timeout, {@code slowNanos} being how long a call slow on its own takes. */
  void untimed(long nanos, boolean noConnectTimeout, long slowNanos) {
    untimedCount++;
    if (nanos >= slowNanos) {
      untimedSlowCount++;
    }
    untimedMaxNanos = Math.max(untimedMaxNanos, nanos);
    untimedNoConnect |= noConnectTimeout;
  }

  void add(long startNanos, long endNanos) {
    long nanos = endNanos - startNanos;
    count++;
    totalNanos += nanos;
    maxNanos = Math.max(maxNanos, nanos);
    overlapped |= startNanos < lastEnd;
    lastEnd = Math.max(lastEnd, endNanos);
  }
}
