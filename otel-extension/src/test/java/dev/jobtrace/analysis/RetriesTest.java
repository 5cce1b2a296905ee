package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetriesTest {

  static final String TIMEOUT = "java.net.SocketTimeoutException: Read timed out";

  @Test
  void aFirstAttemptIsNoFinding() {
    assertThat(Retries.finding(1, null, null, null)).isNull();
  }

  @Test
  void attemptsThatFailedAlikeAreOneStoryWithTheirCostAndSince() {
    Finding f = Retries.finding(4, List.of(TIMEOUT, TIMEOUT, TIMEOUT), 6_100L, 192_000L);
    assertThat(f.kind()).isEqualTo("retry");
    assertThat(f.summary())
        .isEqualTo(
            "attempt 4: the 3 before failed, all with SocketTimeoutException: Read timed out,"
                + " 6.1 s in them; retrying for 3.2 min");
    assertThat(f.statement()).isEqualTo(TIMEOUT);
    assertThat(f.count()).isEqualTo(3);
    assertThat(f.totalMillis()).isEqualTo(6_100);
    assertThat(f.fix()).startsWith("every attempt failed the same way");
  }

  @Test
  void failuresOfOneTypeAreOneStoryWhateverTheirMessages() {
    Finding f =
        Retries.finding(
            3,
            List.of(
                "java.lang.IllegalStateException: order 17 locked",
                "java.lang.IllegalStateException: order 18 locked"),
            null,
            null);
    assertThat(f.summary())
        .isEqualTo(
            "attempt 3: the 2 before failed, both with IllegalStateException: order 18 locked");
    assertThat(f.statement()).isEqualTo("java.lang.IllegalStateException: order 18 locked");
  }

  @Test
  void differentFailuresAreCountedEach() {
    Finding f =
        Retries.finding(
            3, List.of("java.lang.IllegalStateException: no row", TIMEOUT), 900L, 5_000L);
    assertThat(f.summary())
        .isEqualTo(
            "attempt 3: the 2 before failed, with IllegalStateException: no row (1),"
                + " SocketTimeoutException: Read timed out (1), 0.9 s in them; retrying for 5.0 s");
    assertThat(f.fix()).startsWith("the attempts failed in different ways");
  }

  @Test
  void aFrameworkWithoutFailureMessagesStillSaysItIsARetry() {
    Finding f = Retries.finding(2, null, null, null);
    assertThat(f.summary())
        .isEqualTo("attempt 2: the one before failed (the framework keeps no failure messages)");
    assertThat(f.totalMillis()).isZero();
  }
}
