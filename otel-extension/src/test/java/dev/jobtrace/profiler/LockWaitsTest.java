package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.analysis.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockWaitsTest {

  static final long MS = 1_000_000L;
  static final String WAIT =
      "java.lang.Thread.run;com.acme.PricingJob.price;com.acme.Rates.rate_[j]";

  @Test
  void aLockBlockingTheJobLongEnoughIsNamedWithItsWaitingFrame() {
    LockWaits waits = new LockWaits(MS);
    for (int i = 0; i < 40; i++) {
      waits.add(new Sample(1, i, WAIT, 20 * MS, "com.acme.Rates"));
    }
    // Short waits stand for the lock interval each: one in each such stretch is recorded.
    for (int i = 0; i < 100; i++) {
      waits.add(new Sample(2, i, WAIT, 100_000, "com.acme.Rates"));
    }
    waits.add(
        new Sample(1, 0, WAIT, 5 * MS, "java.util.concurrent.locks.ReentrantLock$NonfairSync"));
    List<Finding> found = waits.findings(2_000 * MS, new HotFrames(List.of()), 500 * MS);
    assertThat(found).hasSize(1);
    Finding f = found.get(0);
    assertThat(f.kind()).isEqualTo("contention");
    assertThat(f.statement()).isEqualTo("com.acme.Rates");
    assertThat(f.summary())
        .isEqualTo("lock Rates ×140, 0.9 s blocked (45% of job), waiting in Rates.rate");
    assertThat(f.totalMillis()).isEqualTo(900);
    assertThat(f.maxMillis()).isEqualTo(20);
    assertThat(f.calledFrom()).isEqualTo("Rates.rate");
    assertThat(waits.blockedStacks())
        .containsExactly("java.lang.Thread.run;com.acme.PricingJob.price;com.acme.Rates.rate");
  }

  @Test
  void waitsAcrossThreadsLongerThanTheJobSaySoAndLocksAreNamedByTheirClass() {
    LockWaits waits = new LockWaits(MS);
    for (int t = 0; t < 3; t++) {
      waits.add(
          new Sample(t, 0, WAIT, 800 * MS, "java.util.concurrent.locks.ReentrantLock$NonfairSync"));
    }
    assertThat(waits.findings(1_000 * MS, new HotFrames(List.of()), 500 * MS).get(0).summary())
        .isEqualTo(
            "lock ReentrantLock ×3, 2.4 s blocked across its threads (job 1.0 s), waiting in"
                + " Rates.rate");
  }

  @Test
  void lockClassesAndStacksAreCapped() {
    LockWaits waits = new LockWaits(MS);
    for (int i = 0; i < LockWaits.MAX_LOCKS + 10; i++) {
      for (int s = 0; s < LockWaits.MAX_STACKS + 10; s++) {
        waits.add(new Sample(1, 0, WAIT + s, 10 * MS, "com.acme.Lock" + i));
      }
    }
    assertThat(waits.blockedStacks())
        .hasSizeLessThanOrEqualTo(LockWaits.MAX_LOCKS * (LockWaits.MAX_STACKS + 1));
    assertThat(waits.findings(100_000 * MS, new HotFrames(List.of()), 1))
        .hasSize(LockWaits.MAX_FINDINGS)
        .allSatisfy(f -> assertThat(f.statement()).startsWith("com.acme.Lock"));
  }
}
