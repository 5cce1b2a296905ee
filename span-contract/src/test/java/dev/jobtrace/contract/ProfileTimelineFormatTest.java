package dev.jobtrace.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobtrace.contract.ProfileTimelineFormat.Run;
import dev.jobtrace.contract.ProfileTimelineFormat.ThreadRuns;
import dev.jobtrace.contract.ProfileTimelineFormat.Timeline;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTimelineFormatTest {

  @Test
  void runsSurviveTheWireInOrderPerThread() {
    Timeline timeline =
        new Timeline(
            10_000,
            false,
            List.of(
                new ThreadRuns(
                    1, "main", List.of(new Run(0, 30_000, 1, 3), new Run(30_000, 10_000, 0, 1))),
                new ThreadRuns(
                    42, "pool-1-thread-1\nsecond line", List.of(new Run(5, 20_000, 2, 2))),
                new ThreadRuns(43, "", List.of(new Run(7, 10_000, 2, 1)))));

    Timeline decoded = ProfileTimelineFormat.decode(ProfileTimelineFormat.encode(timeline), 3);

    assertThat(decoded.intervalMicros()).isEqualTo(10_000);
    assertThat(decoded.truncated()).isFalse();
    assertThat(decoded.threads()).hasSize(3);
    assertThat(decoded.threads().get(0)).isEqualTo(timeline.threads().get(0));
    // A thread name stays on its line.
    assertThat(decoded.threads().get(1).name()).isEqualTo("pool-1-thread-1 second line");
    assertThat(decoded.threads().get(2).name()).isEmpty();
    assertThat(decoded.runs()).isEqualTo(4);
  }

  @Test
  void aCutShortTimelineSaysSo() {
    String encoded =
        ProfileTimelineFormat.encode(
            new Timeline(
                1_000, true, List.of(new ThreadRuns(1, "t", List.of(new Run(0, 1, 0, 1))))));
    assertThat(ProfileTimelineFormat.decode(encoded, 1).truncated()).isTrue();
  }

  @Test
  void malformedTimelinesAreRefusedWithTheLine() {
    assertInvalid("nonsense", 1, "does not start with \"timeline <version> <interval µs>\"");
    assertInvalid("timeline 2 10000\n", 1, "version 2 is not known (this reader knows 1)");
    assertInvalid("timeline 1 0\n", 1, "line 1: interval is not a number ≥ 1: 0");
    assertInvalid(
        "timeline 1 10000\n0 10 0 1\n", 1, "line 2 comes before any \"thread <id>\" line");
    assertInvalid("timeline 1 10000\nthread x\n", 1, "line 2: thread id is not a number ≥ 0: x");
    assertInvalid(
        "timeline 1 10000\nthread 1\n0 10 0\n",
        1,
        "line 3 is not \"<start µs> <duration µs> <stack> <samples>\"");
    assertInvalid(
        "timeline 1 10000\nthread 1\n0 10 5 1\n",
        3,
        "line 3 names stack 5, but the snippet has 3 lines");
    assertInvalid(
        "timeline 1 10000\nthread 1\n-5 10 0 1\n", 1, "line 3: start is not a number ≥ 0: -5");
    assertInvalid(
        "timeline 1 10000\nthread 1\n0 10 0 0\n", 1, "line 3: samples is not a number ≥ 1: 0");
    assertThatThrownBy(() -> ProfileTimelineFormat.decode("%%%", 1))
        .isInstanceOf(ProfileSnippetFormat.Invalid.class)
        .hasMessageStartingWith("profile timeline is not base64");
  }

  private static void assertInvalid(String text, int stacks, String message) {
    assertThatThrownBy(
            () -> ProfileTimelineFormat.decode(ProfileSnippetFormat.encode(text), stacks))
        .isInstanceOf(ProfileSnippetFormat.Invalid.class)
        .hasMessageContaining(message);
  }
}
