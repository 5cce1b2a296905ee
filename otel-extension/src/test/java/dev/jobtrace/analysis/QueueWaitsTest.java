package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

public class QueueWaitsTest {

  static final long MS = 1_000_000L;

  /** The defaults, with a minimum wait of 1 s instead of 20 s so that the cases stay short. */
  public static final AnalysisSettings DEFAULTS =
      settings(AnalysisSettings.defaults().maxFindings(), 1.0, Duration.ofSeconds(1));

  /** The defaults with these findings per job and queue-wait thresholds. */
  static AnalysisSettings settings(int maxFindings, double minRatio, Duration min) {
    AnalysisSettings d = AnalysisSettings.defaults();
    return new AnalysisSettings(
        d.repeatedMinCount(),
        d.repeatedMinTotal(),
        d.repeatedMaxAverage(),
        d.slowCall(),
        d.dominantShare(),
        maxFindings,
        d.maxJobs(),
        d.maxDistinctCalls(),
        d.compressionEnabled(),
        d.compressionMaxCall(),
        d.compressionMinRun(),
        d.keyPatterns(),
        minRatio,
        min);
  }

  static AnalysisSettings thresholds(double minRatio, Duration min) {
    return settings(DEFAULTS.maxFindings(), minRatio, min);
  }

  @Test
  void aShortRunThatSatSecondsInTheQueueIsAFindingAboutItsWait() {
    Finding f = new QueueWaits().finding("reports.daily", 3000, 25 * MS, DEFAULTS);
    assertThat(f).isNotNull();
    assertThat(f.kind()).isEqualTo("queue_wait");
    assertThat(f.summary())
        .isEqualTo(
            "waited 3.0 s in the queue before it ran: 120× its 25 ms run;"
                + " no earlier runs of this job to compare with");
    assertThat(f.count()).isEqualTo(1);
    assertThat(f.totalMillis()).isEqualTo(3000);
    assertThat(f.maxMillis()).isEqualTo(3000);
    assertThat(f.statement()).isEqualTo("reports.daily");
    assertThat(f.fix()).contains("more workers").contains("lower concurrency");
  }

  @Test
  void itTakesAWaitAsLongAsTheRunAndAtLeastTheMinimum() {
    QueueWaits waits = new QueueWaits();
    // The shipped minimum is 20 s, above the polling frameworks' default poll intervals.
    assertThat(waits.finding("d", 19_999, MS, AnalysisSettings.defaults())).isNull();
    assertThat(waits.finding("d", 20_000, MS, AnalysisSettings.defaults())).isNotNull();
    // As long as it ran: a finding; a millisecond less: none.
    assertThat(waits.finding("a", 2000, 2000 * MS, DEFAULTS)).isNotNull();
    assertThat(waits.finding("a", 2000, 2001 * MS, DEFAULTS)).isNull();
    // A job of a millisecond that waited under a second: none, whatever the ratio.
    assertThat(waits.finding("b", 999, MS, DEFAULTS)).isNull();
    assertThat(waits.finding("b", 1000, MS, DEFAULTS)).isNotNull();
    assertThat(waits.finding("c", 0, 0, DEFAULTS)).isNull();
  }

  @Test
  void theRatioAndTheMinimumAreSettings() {
    AnalysisSettings twiceAndFiveSeconds = thresholds(2.0, Duration.ofSeconds(5));
    QueueWaits waits = new QueueWaits();
    assertThat(waits.finding("a", 6000, 3000 * MS, twiceAndFiveSeconds)).isNotNull();
    assertThat(waits.finding("a", 6000, 3001 * MS, twiceAndFiveSeconds)).isNull();
    assertThat(waits.finding("a", 4999, 10 * MS, twiceAndFiveSeconds)).isNull();
    // A ratio of 0: any wait of at least the minimum, however long the run.
    assertThat(waits.finding("a", 1000, 3_600_000 * MS, thresholds(0, Duration.ofSeconds(1))))
        .isNotNull();
  }

  @Test
  void theUsualWaitIsTheMedianOfTheJobsEarlierRuns() {
    QueueWaits waits = new QueueWaits();
    for (int i = 0; i < 10; i++) {
      assertThat(waits.finding("imports.nightly", 3000, 60_000 * MS, DEFAULTS)).isNull();
      assertThat(waits.finding("imports.nightly", 3800, 60_000 * MS, DEFAULTS)).isNull();
    }
    Finding f = waits.finding("imports.nightly", 41_200, 8100 * MS, DEFAULTS);
    assertThat(f.summary())
        .isEqualTo(
            "waited 41 s in the queue before it ran: 5.1× its 8.1 s run,"
                + " 12× this job's usual 3.4 s wait (median of 20 earlier runs)");
  }

  @Test
  void theMedianLeavesOutTheRunItIsComparedWith() {
    QueueWaits waits = new QueueWaits();
    assertThat(waits.usualThenAdd("a", 100)).isEqualTo(new QueueWaits.Usual(0, 0, true));
    // The second run sees the first alone, not the median of both.
    assertThat(waits.usualThenAdd("a", 10_000)).isEqualTo(new QueueWaits.Usual(1, 100, true));
    assertThat(waits.usualThenAdd("a", 7)).isEqualTo(new QueueWaits.Usual(2, 5050, true));
    assertThat(waits.usualThenAdd("a", 0)).isEqualTo(new QueueWaits.Usual(3, 100, true));
    assertThat(waits.finding("a", 2000, 5 * MS, DEFAULTS).summary())
        .endsWith(", 38× this job's usual 53 ms wait (median of 4 earlier runs)");
    QueueWaits once = new QueueWaits();
    once.usualThenAdd("b", 2000);
    assertThat(once.finding("b", 4000, 5 * MS, DEFAULTS).summary())
        .endsWith(", 2.0× this job's usual 2.0 s wait (median of 1 earlier run)");
  }

  @Test
  void aJobThatUsuallyDoesNotWaitSaysSo() {
    QueueWaits waits = new QueueWaits();
    waits.usualThenAdd("a", 0);
    waits.usualThenAdd("a", 0);
    assertThat(waits.finding("a", 1500, 5 * MS, DEFAULTS).summary())
        .endsWith(", where this job usually waits 0 ms (median of 2 earlier runs)");
  }

  @Test
  void onlyTheLast32RunsCount() {
    QueueWaits waits = new QueueWaits();
    for (int i = 0; i < QueueWaits.RUNS_KEPT; i++) {
      waits.usualThenAdd("a", 100);
    }
    for (int i = 0; i < QueueWaits.RUNS_KEPT - 1; i++) {
      waits.usualThenAdd("a", 5000);
    }
    // 31 of 5000 and one of 100 left: still 32 runs, the older ones gone.
    assertThat(waits.usualThenAdd("a", 5000)).isEqualTo(new QueueWaits.Usual(32, 5000, true));
    assertThat(waits.usualThenAdd("a", 5000)).isEqualTo(new QueueWaits.Usual(32, 5000, true));
  }

  @Test
  void eachJobNameHasItsOwnHistory() {
    QueueWaits waits = new QueueWaits();
    waits.usualThenAdd("a", 100);
    assertThat(waits.usualThenAdd("b", 9000)).isEqualTo(new QueueWaits.Usual(0, 0, true));
    assertThat(waits.usualThenAdd("a", 100)).isEqualTo(new QueueWaits.Usual(1, 100, true));
  }

  @Test
  void jobNamesBeyondTheCapAreNeitherRememberedNorCompared() {
    QueueWaits waits = new QueueWaits(3);
    for (String job : List.of("a", "b", "c")) {
      waits.usualThenAdd(job, 100);
    }
    Finding beyond = waits.finding("d", 2000, 5 * MS, DEFAULTS);
    assertThat(beyond.summary())
        .isEqualTo(
            "waited 2.0 s in the queue before it ran: 400× its 5 ms run;"
                + " this job's usual wait is not tracked (more than 3 job names)");
    // Nor is it remembered for next time.
    assertThat(waits.usualThenAdd("d", 2000).tracked()).isFalse();
    assertThat(waits.jobNames()).isEqualTo(3);
    // The names already tracked go on.
    assertThat(waits.usualThenAdd("a", 100)).isEqualTo(new QueueWaits.Usual(1, 100, true));
  }

  @Test
  void threadsAddingNewNamesAtOnceStopAtTheCap() throws Exception {
    QueueWaits waits = new QueueWaits();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int lane = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < 600; i++) {
                    waits.finding("job-" + lane + "-" + i, 2000, 5 * MS, DEFAULTS);
                    waits.finding("shared", 2000, 5 * MS, DEFAULTS);
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    assertThat(waits.jobNames()).isEqualTo(QueueWaits.MAX_JOB_NAMES);
    // Every lane names "shared" second, so at most four names came before it: it is tracked, and
    // of its 2,400 runs it keeps the last 32.
    assertThat(waits.usualThenAdd("shared", 2000))
        .isEqualTo(new QueueWaits.Usual(QueueWaits.RUNS_KEPT, 2000, true));
  }

  @Test
  void ratiosReadAsTimes() {
    assertThat(QueueWaits.times(5.086)).isEqualTo("5.1×");
    assertThat(QueueWaits.times(12.1)).isEqualTo("12×");
    assertThat(QueueWaits.times(0.5)).isEqualTo("0.5×");
    assertThat(QueueWaits.times(0.01)).isEqualTo("<0.1×");
  }
}
