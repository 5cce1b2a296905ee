package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.contract.ProfileTimelineFormat;
import dev.jobtrace.contract.ProfileTimelineFormat.Run;
import dev.jobtrace.contract.ProfileTimelineFormat.Timeline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A span's samples keep their order, within bounded memory and the snippet's size cap. */
class SampleRunsTest {

  static final long INTERVAL = 10_000_000;
  static final Function<String, String> NAME = n -> n;

  @Test
  void twoStagesAlternatingSixtyTimesAreSixtyPairsOfRunsInOrder() {
    SampleRuns runs = new SampleRuns(INTERVAL, 2048);
    long start = 5_000_000_000L;
    long t = start;
    for (int round = 0; round < 60; round++) {
      for (int stage = 0; stage < 2; stage++) {
        for (int i = 0; i < 5; i++) {
          runs.add(7, "worker-1", NAME, t, stage);
          t += INTERVAL;
        }
      }
    }
    Timeline timeline = ProfileTimelineFormat.decode(runs.encode(start, id -> id, 65536), 2);

    assertThat(timeline.intervalMicros()).isEqualTo(10_000);
    assertThat(timeline.threads()).hasSize(1);
    assertThat(timeline.threads().get(0).name()).isEqualTo("worker-1");
    List<Run> list = timeline.threads().get(0).runs();
    assertThat(list).hasSize(120);
    for (int i = 0; i < list.size(); i++) {
      Run r = list.get(i);
      assertThat(r.stack()).isEqualTo(i % 2);
      assertThat(r.samples()).isEqualTo(5);
      assertThat(r.startMicros()).isEqualTo(i * 50_000L);
      assertThat(r.durationMicros()).isEqualTo(50_000);
    }
  }

  @Test
  void aGapOnTheThreadStartsANewRunOfTheSameStack() {
    SampleRuns runs = new SampleRuns(INTERVAL, 2048);
    runs.add(7, "w", NAME, 0, 0);
    runs.add(7, "w", NAME, INTERVAL, 0);
    // The thread worked for another span for a second.
    runs.add(7, "w", NAME, INTERVAL + 1_000_000_000L, 0);
    runs.add(8, "other", NAME, 2 * INTERVAL, 0);
    assertThat(runs.size()).isEqualTo(3);
  }

  @Test
  void pastTheCapRunsMergePairwiseSoTheWholeSpanStaysInOrder() {
    SampleRuns runs = new SampleRuns(INTERVAL, 64);
    long t = 0;
    for (int i = 0; i < 1_000; i++) {
      runs.add(7, "w", NAME, t, i % 2);
      t += INTERVAL;
    }
    assertThat(runs.size()).isLessThanOrEqualTo(64);
    assertThat(runs.coarsened()).isGreaterThan(0);
    Timeline timeline = ProfileTimelineFormat.decode(runs.encode(0, id -> id, 65536), 2);
    List<Run> list = timeline.threads().get(0).runs();
    assertThat(list.stream().mapToLong(Run::samples).sum()).isEqualTo(1_000);
    assertThat(list.get(0).startMicros()).isZero();
    Run lastRun = list.get(list.size() - 1);
    assertThat(lastRun.startMicros() + lastRun.durationMicros()).isEqualTo(1_000 * 10_000L);
    for (int i = 1; i < list.size(); i++) {
      Run prev = list.get(i - 1);
      assertThat(list.get(i).startMicros()).isEqualTo(prev.startMicros() + prev.durationMicros());
    }
  }

  @Test
  void aTimelineTooLargeForTheCapIsCoarsenedToFitThenCut() {
    SampleRuns runs = new SampleRuns(INTERVAL, 100_000);
    long t = 0;
    for (int i = 0; i < 50_000; i++) {
      runs.add(i % 3, "w" + (i % 3), NAME, t, (i / 3) % 7);
      t += INTERVAL / 3;
    }
    String encoded = runs.encode(0, id -> id, 4096);
    assertThat(encoded.length()).isLessThanOrEqualTo(4096);
    Timeline timeline = ProfileTimelineFormat.decode(encoded, 7);
    assertThat(timeline.truncated()).isFalse();
    assertThat(timeline.threads()).hasSize(3);
    assertThat(
            timeline.threads().stream()
                .flatMap(r -> r.runs().stream())
                .mapToLong(Run::samples)
                .sum())
        .isEqualTo(50_000);

    // Thousands of threads, each one run: no merging makes it fit, so the earliest runs are kept.
    SampleRuns many = new SampleRuns(INTERVAL, 100_000);
    for (int i = 0; i < 20_000; i++) {
      many.add(i, "thread-" + i, NAME, i * 1_000L, 0);
    }
    Timeline cut = ProfileTimelineFormat.decode(many.encode(0, id -> id, 4096), 1);
    assertThat(cut.truncated()).isTrue();
    assertThat(cut.threads().get(0).threadId()).isZero();
  }

  @Test
  void snippetLinesNumberTheTimelinesStacksWithTheRarestAsOther() throws Exception {
    Map<String, long[]> stacks = new HashMap<>();
    SampleRuns runs = new SampleRuns(INTERVAL, 2048);
    // ids in first-seen order: rare (0) sampled first, then common (1).
    stacks.put("Job.run;Job.rare", new long[] {1, 0});
    stacks.put("Job.run;Job.common", new long[] {3, 1});
    runs.add(1, "main", NAME, 0, 0);
    runs.add(1, "main", NAME, INTERVAL, 1);
    runs.add(1, "main", NAME, 2 * INTERVAL, 1);
    runs.add(1, "main", NAME, 3 * INTERVAL, 1);

    ProfileSnippet all =
        ProfileSnippet.build(stacks, 65536, new HotFrames(List.of()), runs, 0, 65536);
    Timeline timeline = ProfileTimelineFormat.decode(all.timeline, 2);
    // Most frequent first in the snippet: common is line 0, rare line 1.
    assertThat(timeline.threads().get(0).runs()).extracting(Run::stack).containsExactly(1, 0);

    // A snippet so small it keeps only the common stack: the rare one is the "other" line.
    String oneLine =
        ProfileSnippet.encode(
            List.of(
                Map.entry("Job.run;Job.common", new long[] {3, 1}),
                Map.entry("Job.run;Job.rare", new long[] {1, 0})),
            1);
    int cap = oneLine.length();
    ProfileSnippet small =
        ProfileSnippet.build(stacks, cap, new HotFrames(List.of()), runs, 0, 65536);
    assertThat(small.stacksKept).isEqualTo(1);
    assertThat(ProfileSnippetTest.decode(small.encoded))
        .containsOnlyKeys("Job.run;Job.common", "other");
    assertThat(ProfileTimelineFormat.decode(small.timeline, 2).threads().get(0).runs())
        .extracting(Run::stack)
        .containsExactly(1, 0);
  }
}
