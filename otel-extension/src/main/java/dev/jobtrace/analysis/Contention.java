package dev.jobtrace.analysis;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which job runs of this JVM make the same statement at the same time, and how long each statement
 * takes when no other run makes it: the baseline a {@code contention} finding compares against.
 *
 * <p>A call is shared when another run still in flight has made the same statement: the runs
 * overlap on it, and the run holding a row makes its calls as the others wait for theirs. Otherwise
 * the call is alone and counts into the statement's baseline. Application threads only read and
 * update concurrent maps: nothing here waits on a lock. Statements are capped: past the cap, new
 * statements are not compared.
 */
public final class Contention {

  /** Distinct statements whose use across runs is followed. */
  static final int MAX_STATEMENTS = 5_000;

  /** Calls alone needed before a statement's baseline is trusted. */
  static final int MIN_ALONE_CALLS = 3;

  private final Map<String, Use> uses = new ConcurrentHashMap<>();

  /** One statement across the runs of this JVM. */
  static final class Use {
    /** Runs in flight that have made the statement. */
    final Set<JobAnalysis> runs = ConcurrentHashMap.newKeySet();

    final LongAdder aloneCalls = new LongAdder();
    final LongAdder aloneNanos = new LongAdder();

    /** Mean nanos of a call made alone, or -1 while too few were. */
    long aloneAverage() {
      long n = aloneCalls.sum();
      return n < MIN_ALONE_CALLS ? -1 : aloneNanos.sum() / n;
    }
  }

  /** The statement's use, or null past the cap. */
  Use use(CallKind kind, String statement) {
    String key = kind.name() + ' ' + statement;
    Use use = uses.get(key);
    if (use == null && uses.size() < MAX_STATEMENTS) {
      use = uses.computeIfAbsent(key, k -> new Use());
    }
    return use;
  }

  /**
   * A call of {@code run} ended: true when another run made the statement alongside it, each such
   * run added to {@code sharedWith} (up to its cap); false when it ran alone, and then its time
   * counts into the baseline.
   */
  static boolean called(
      Use use, JobAnalysis run, long startNanos, long endNanos, Set<JobAnalysis> sharedWith) {
    boolean shared = false;
    for (JobAnalysis other : use.runs) {
      if (other != run) {
        shared = true;
        if (sharedWith.size() < CallStats.MAX_SHARED_WITH) {
          sharedWith.add(other);
        }
      }
    }
    if (!shared) {
      use.aloneCalls.increment();
      use.aloneNanos.add(endNanos - startNanos);
    }
    use.runs.add(run);
    return shared;
  }

  /** The run ended: its calls no longer overlap anyone's. */
  static void ended(Use use, JobAnalysis run) {
    use.runs.remove(run);
  }

  /** Statements followed, for tests of the cap. */
  int statements() {
    return uses.size();
  }
}
