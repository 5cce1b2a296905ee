package dev.jobtrace.analysis;

/** The calls of one job that share a kind and a normalized statement. */
final class CallStats {
  final CallKind kind;
  final String statement;
  long count;
  long totalNanos;
  long maxNanos;

  CallStats(CallKind kind, String statement) {
    this.kind = kind;
    this.statement = statement;
  }

  void add(long nanos) {
    count++;
    totalNanos += nanos;
    maxNanos = Math.max(maxNanos, nanos);
  }
}
