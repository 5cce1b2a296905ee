package dev.jobtrace.analysis;

import dev.jobtrace.contract.SpanContract;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code queue_wait} finding: a run that waited in its queue more than it ran, compared with
 * what the same job usually waits in this JVM. Keeps the queue latencies of each job name's last
 * {@link #RUNS_KEPT} runs, for at most {@link #MAX_JOB_NAMES} names (runs of further names are
 * neither remembered nor compared). Thread-safe; a call holds the lock only to copy and update one
 * job's few numbers.
 */
public final class QueueWaits {

  /** Earlier runs per job name that its usual wait is the median of. */
  public static final int RUNS_KEPT = 32;

  /** Job names remembered; beyond them, runs of new names have no usual wait. */
  public static final int MAX_JOB_NAMES = 1000;

  static final String FIX =
      "more workers, or a queue or pool of their own for the heavy jobs that hold the workers;"
          + " lower concurrency for the jobs that crowd the queue; or the heavy jobs scheduled"
          + " apart from this one";

  /**
   * What the job's earlier runs waited.
   *
   * @param runs how many earlier runs the median is of; 0 when there were none
   * @param tracked false for a job name beyond the cap, whose runs are not remembered
   */
  public record Usual(int runs, long medianMillis, boolean tracked) {}

  static final Usual UNTRACKED = new Usual(0, 0, false);

  private final int maxNames;
  private final Map<String, Runs> byName = new HashMap<>();

  public QueueWaits() {
    this(MAX_JOB_NAMES);
  }

  QueueWaits(int maxNames) {
    this.maxNames = maxNames;
  }

  /**
   * Remembers this run's wait with the job's others, and returns the finding when the run waited at
   * least {@link AnalysisSettings#queueWaitMinRatio} times its duration and at least {@link
   * AnalysisSettings#queueWaitMin}; null otherwise.
   */
  public Finding finding(String job, long waitMillis, long runNanos, AnalysisSettings settings) {
    if (waitMillis < 0) {
      return null;
    }
    Usual usual = usualThenAdd(job, waitMillis);
    long waitNanos = nanos(waitMillis);
    if (!waitedTooLong(waitNanos, runNanos, settings)) {
      return null;
    }
    return new Finding(
        SpanContract.FINDING_KIND_QUEUE_WAIT,
        summary(waitNanos, runNanos, usual),
        1,
        waitMillis,
        waitMillis,
        job,
        FIX);
  }

  static boolean waitedTooLong(long waitNanos, long runNanos, AnalysisSettings settings) {
    return waitNanos >= settings.queueWaitMin().toNanos()
        && waitNanos >= settings.queueWaitMinRatio() * runNanos;
  }

  /**
   * {@code waited 41 s in the queue before it ran: 5.1× its 8.1 s run, 12× this job's usual 3.4 s
   * wait (median of 20 earlier runs)}.
   */
  String summary(long waitNanos, long runNanos, Usual usual) {
    StringBuilder s =
        new StringBuilder("waited ")
            .append(JobAnalysis.seconds(waitNanos))
            .append(" in the queue before it ran: ");
    if (runNanos > 0) {
      s.append(times((double) waitNanos / runNanos))
          .append(" its ")
          .append(JobAnalysis.seconds(runNanos))
          .append(" run");
    } else {
      s.append("longer than its run");
    }
    if (!usual.tracked()) {
      s.append("; this job's usual wait is not tracked (more than ")
          .append(maxNames)
          .append(" job names)");
    } else if (usual.runs() == 0) {
      s.append("; no earlier runs of this job to compare with");
    } else {
      String of =
          " (median of " + usual.runs() + (usual.runs() == 1 ? " earlier run)" : " earlier runs)");
      long usualNanos = nanos(usual.medianMillis());
      if (usualNanos > 0) {
        s.append(", ")
            .append(times((double) waitNanos / usualNanos))
            .append(" this job's usual ")
            .append(JobAnalysis.seconds(usualNanos))
            .append(" wait")
            .append(of);
      } else {
        s.append(", where this job usually waits 0 ms").append(of);
      }
    }
    return s.toString();
  }

  private static long nanos(long millis) {
    return Math.min(millis, Long.MAX_VALUE / 1_000_000) * 1_000_000;
  }

  /** {@code 5.1×}, {@code 12×}. */
  static String times(double ratio) {
    if (ratio >= 10) {
      return String.format(Locale.ROOT, "%.0f×", ratio);
    }
    return ratio >= 0.1 ? String.format(Locale.ROOT, "%.1f×", ratio) : "<0.1×";
  }

  /** The median wait of the job's earlier runs, then this run's wait remembered with them. */
  Usual usualThenAdd(String job, long waitMillis) {
    long[] earlier;
    synchronized (this) {
      Runs runs = byName.get(job);
      if (runs == null) {
        if (byName.size() >= maxNames) {
          return UNTRACKED;
        }
        runs = new Runs();
        byName.put(job, runs);
      }
      earlier = Arrays.copyOf(runs.waits, runs.size);
      runs.add(waitMillis);
    }
    if (earlier.length == 0) {
      return new Usual(0, 0, true);
    }
    Arrays.sort(earlier);
    int mid = earlier.length / 2;
    long median =
        earlier.length % 2 == 1
            ? earlier[mid]
            : earlier[mid - 1] + (earlier[mid] - earlier[mid - 1]) / 2;
    return new Usual(earlier.length, median, true);
  }

  synchronized int jobNames() {
    return byName.size();
  }

  /** One job's last waits, oldest overwritten first. */
  private static final class Runs {
    final long[] waits = new long[RUNS_KEPT];
    int size;
    int next;

    void add(long waitMillis) {
      waits[next] = waitMillis;
      next = (next + 1) % RUNS_KEPT;
      size = Math.min(size + 1, RUNS_KEPT);
    }
  }
}
