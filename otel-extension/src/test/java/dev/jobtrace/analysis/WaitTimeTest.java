package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitTimeTest {

  @Test
  void overlappingCallsOfOneKindCountOnce() {
    WaitTime w = new WaitTime();
    w.add(CallKind.HTTP, 0, 100);
    w.add(CallKind.HTTP, 50, 150);
    w.add(CallKind.HTTP, 200, 300);
    assertThat(w.totals()[CallKind.HTTP.ordinal()]).isEqualTo(250);
  }

  @Test
  void overlapBetweenKindsGoesToTheFirstKindInOrder() {
    WaitTime w = new WaitTime();
    w.add(CallKind.REDIS, 0, 100);
    w.add(CallKind.DB, 50, 150);
    long[] t = w.totals();
    assertThat(t[CallKind.DB.ordinal()]).isEqualTo(100);
    assertThat(t[CallKind.REDIS.ordinal()]).isEqualTo(50);
  }

  @Test
  void sealingGivesTheSameTotalsAsOneSweep() {
    WaitTime sealedOften = new WaitTime();
    WaitTime once = new WaitTime();
    for (int i = 0; i < 10_000; i++) {
      long start = i * 10L;
      CallKind kind = CallKind.values()[i % 3];
      long end = start + (i % 7 == 0 ? 95 : 6);
      sealedOften.add(kind, start, end);
      once.add(kind, start, end);
      if (i % 500 == 0) {
        // Nothing still to come starts before the start of the call just added.
        sealedOften.seal(start);
      }
    }
    assertThat(sealedOften.totals()).containsExactly(once.totals());
    assertThat(sealedOften.rawSize()).isLessThan(1000);
  }
}
