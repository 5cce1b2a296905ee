package dev.jobtrace.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shape follows which among a job's calls, in the order they end, to find the per-record loop
 * behind them: {@code GET acct:{id}} then {@code HGET prefs:{id} lang}, 1,000 times. Only
 * transitions between different shapes are counted, in a map capped at twice the shapes; a loop
 * shows as a cycle of up to {@link #MAX_LENGTH} shapes whose every step is taken nearly as often as
 * the loop's least frequent shape is called. A shape called twice per record ({@code GET} → {@code
 * GET} → {@code HGET}) is one step with a multiplicity of 2.
 *
 * <p>Calls made in parallel by several threads interleave and form no cycle: their loop is left to
 * the calls' own findings.
 */
final class CallSequences {

  /** Shapes per loop at most. */
  static final int MAX_LENGTH = 4;

  /** Every step of a loop is taken at least this share of its repetitions. */
  static final double TOGETHER = 0.8;

  private final int maxTransitions;

  /**
   * (from id, to id) to how many times a call of {@code to} came right after one of {@code from}.
   */
  private final Map<Long, long[]> transitions = new HashMap<>();

  private CallStats last;

  CallSequences(int maxShapes) {
    this.maxTransitions = 2 * maxShapes;
  }

  void add(CallStats call) {
    CallStats previous = last;
    last = call;
    if (previous == null || previous == call) {
      return;
    }
    long key = ((long) previous.id << 32) | call.id;
    long[] count = transitions.get(key);
    if (count == null) {
      if (transitions.size() >= maxTransitions) {
        return;
      }
      count = new long[1];
      transitions.put(key, count);
    }
    count[0]++;
  }

  /** Pairs counted so far. */
  int pairs() {
    return transitions.size();
  }

  /**
   * Calls that already serve many records: multi-key Redis commands ({@code MGET user:{id} (5000
   * keys)}) and SQL with an {@code IN} list. A loop made of these alone is a loop over batches, the
   * fix itself, not a loop over records.
   */
  static boolean batched(CallStats s) {
    switch (s.kind) {
      case REDIS:
        return s.statement.endsWith(" keys)");
      case DB:
        String sql = s.statement.toLowerCase(java.util.Locale.ROOT);
        return sql.contains(" in (?)") || sql.contains("any (?)") || sql.contains("any(?)");
      default:
        return false;
    }
  }

  /**
   * One loop: its shapes in call order, how many times each is called per repetition, and how many
   * repetitions.
   */
  record Sequence(List<CallStats> steps, long[] perRecord, long records) {
    long totalNanos() {
      long total = 0;
      for (CallStats s : steps) {
        total += s.totalNanos;
      }
      return total;
    }

    long maxNanos() {
      long max = 0;
      for (CallStats s : steps) {
        max = Math.max(max, s.maxNanos);
      }
      return max;
    }
  }

  /**
   * The loops repeated at least {@code minRecords} times, each starting at its first-called shape.
   * {@code byId} holds every shape, indexed by its id (the order the job first called them).
   */
  List<Sequence> find(List<CallStats> byId, long minRecords) {
    int n = byId.size();
    int[] next = new int[n];
    long[] nextCount = new long[n];
    Arrays.fill(next, -1);
    transitions.forEach(
        (key, count) -> {
          int from = (int) (key >>> 32);
          int to = (int) (long) key;
          // Ties go to the shape called first, so the result does not depend on the map's order.
          if (count[0] > nextCount[from] || (count[0] == nextCount[from] && to < next[from])) {
            next[from] = to;
            nextCount[from] = count[0];
          }
        });
    List<Sequence> found = new ArrayList<>();
    boolean[] taken = new boolean[n];
    for (int first = 0; first < n; first++) {
      if (taken[first]
          || next[first] < 0
          || byId.get(first).statement.equals(JobAnalysis.OTHER_CALLS)) {
        continue;
      }
      List<Integer> path = new ArrayList<>();
      path.add(first);
      boolean closed = false;
      for (int at = first; path.size() <= MAX_LENGTH; ) {
        int to = next[at];
        if (to == first) {
          closed = true;
          break;
        }
        if (to < 0
            || path.contains(to)
            || taken[to]
            || byId.get(to).statement.equals(JobAnalysis.OTHER_CALLS)) {
          break;
        }
        path.add(to);
        at = to;
      }
      if (!closed || path.size() < 2 || path.size() > MAX_LENGTH) {
        continue;
      }
      long records = Long.MAX_VALUE;
      long weakestStep = Long.MAX_VALUE;
      for (int id : path) {
        records = Math.min(records, byId.get(id).count);
        weakestStep = Math.min(weakestStep, nextCount[id]);
      }
      if (records < minRecords
          || weakestStep < TOGETHER * records
          || path.stream().allMatch(id -> batched(byId.get(id)))) {
        continue;
      }
      List<CallStats> steps = new ArrayList<>(path.size());
      long[] perRecord = new long[path.size()];
      for (int i = 0; i < path.size(); i++) {
        CallStats s = byId.get(path.get(i));
        steps.add(s);
        perRecord[i] = Math.max(1, Math.round((double) s.count / records));
        taken[path.get(i)] = true;
      }
      found.add(new Sequence(steps, perRecord, records));
    }
    return found;
  }
}
