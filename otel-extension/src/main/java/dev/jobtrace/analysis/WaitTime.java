package dev.jobtrace.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wall time of a job split by what it waited on, each instant counted once: when calls overlap
 * (parallel work) the instant counts for the first kind in {@link CallKind}'s order. Finished calls
 * are kept as intervals until {@link #seal} folds everything before a cutoff into totals, so a job
 * with a million calls keeps a few thousand intervals, not a million.
 */
final class WaitTime {

  /** Raw intervals kept before a seal is due. */
  static final int SEAL_AT = 4096;

  private final long[] sealed = new long[CallKind.values().length];
  private long sealedUntil = Long.MIN_VALUE;
  private List<long[]> raw = new ArrayList<>();

  /**
   * A finished call (nanoTime). {@code nothingInFlight}: no other call of the job is running, so
   * none still to come can overlap this one.
   */
  synchronized void add(CallKind kind, long start, long end, boolean nothingInFlight) {
    start = Math.max(start, sealedUntil);
    if (end <= start) {
      return;
    }
    if (nothingInFlight && raw.isEmpty()) {
      // Sequential calls, the common case: the time is this kind's alone, no interval to keep.
      sealed[kind.ordinal()] += end - start;
      sealedUntil = end;
      return;
    }
    raw.add(new long[] {start, end, kind.ordinal()});
  }

  void add(CallKind kind, long start, long end) {
    add(kind, start, end, false);
  }

  synchronized int rawSize() {
    return raw.size();
  }

  /**
   * Folds the time before {@code cutoff} into the totals; no call still to be added may start
   * before it.
   */
  synchronized void seal(long cutoff) {
    if (cutoff <= sealedUntil) {
      return;
    }
    List<long[]> before = new ArrayList<>();
    List<long[]> after = new ArrayList<>();
    for (long[] r : raw) {
      if (r[0] < cutoff) {
        before.add(new long[] {r[0], Math.min(r[1], cutoff), r[2]});
      }
      if (r[1] > cutoff) {
        after.add(new long[] {Math.max(r[0], cutoff), r[1], r[2]});
      }
    }
    long[] swept = sweep(before);
    for (int k = 0; k < sealed.length; k++) {
      sealed[k] += swept[k];
    }
    raw = after;
    sealedUntil = cutoff;
  }

  synchronized long[] sealedTotals() {
    return sealed.clone();
  }

  /** Nanos per kind, overlaps counted once. */
  synchronized long[] totals() {
    long[] swept = sweep(raw);
    long[] out = sealed.clone();
    for (int k = 0; k < out.length; k++) {
      out[k] += swept[k];
    }
    return out;
  }

  /** Exclusive time per kind over the given intervals. */
  static long[] sweep(List<long[]> intervals) {
    int n = intervals.size();
    long[] out = new long[CallKind.values().length];
    if (n == 0) {
      return out;
    }
    // Events: +1 at start, -1 at end, per kind; between events the first active kind gets the time.
    long[][] events = new long[2 * n][];
    int i = 0;
    for (long[] r : intervals) {
      events[i++] = new long[] {r[0], 1, r[2]};
      events[i++] = new long[] {r[1], -1, r[2]};
    }
    Arrays.sort(
        events, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int[] active = new int[out.length];
    long last = events[0][0];
    for (long[] e : events) {
      long t = e[0];
      if (t > last) {
        for (int k = 0; k < active.length; k++) {
          if (active[k] > 0) {
            out[k] += t - last;
            break;
          }
        }
        last = t;
      }
      active[(int) e[2]] += (int) e[1];
    }
    return out;
  }
}
