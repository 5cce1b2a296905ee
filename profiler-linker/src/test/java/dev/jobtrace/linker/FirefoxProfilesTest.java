package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.contract.ProfileTimelineFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirefoxProfilesTest {

  private static final List<String> STACKS =
      List.of(
          "java.lang.Thread.run_[j];com.acme.Job.run_[j];com.acme.Job.parse_[i]",
          "java.lang.Thread.run_[j];com.acme.Job.run_[j];com.acme.Job.store_[0]",
          "other");

  private static final long START = 1_700_000_000_123L;

  /** One thread alternating the first two stacks 60 times, each run 1 to 3 samples of 10 ms. */
  private static ProfileTimelineFormat.Timeline alternating(List<ProfileTimelineFormat.Run> runs) {
    long at = 0;
    for (int i = 0; i < 60; i++) {
      long samples = 1 + i % 3;
      runs.add(new ProfileTimelineFormat.Run(at, samples * 10_000, i % 2, samples));
      at += samples * 10_000 + (i % 5 == 0 ? 5_000 : 0);
    }
    return new ProfileTimelineFormat.Timeline(
        10_000, false, List.of(new ProfileTimelineFormat.ThreadRuns(42, "", runs)));
  }

  @Test
  void samplesAlternateBetweenTheTwoStacksInTimeOrder() throws Exception {
    List<ProfileTimelineFormat.Run> runs = new ArrayList<>();
    JsonNode profile =
        new ObjectMapper()
            .readTree(FirefoxProfiles.gecko(STACKS, alternating(runs), "invoice-job", START));

    JsonNode threads = profile.path("threads");
    assertThat(threads).hasSize(1);
    JsonNode thread = threads.get(0);
    assertThat(thread.path("name").asText()).isEqualTo("thread 42");
    assertThat(thread.path("tid").asLong()).isEqualTo(42);

    JsonNode schema = thread.path("samples").path("schema");
    int stackAt = schema.path("stack").asInt(-1);
    int timeAt = schema.path("time").asInt(-1);
    assertThat(schema.has("eventDelay") || schema.has("responsiveness")).isTrue();
    JsonNode data = thread.path("samples").path("data");
    assertThat(data)
        .hasSize((int) runs.stream().mapToLong(ProfileTimelineFormat.Run::samples).sum());

    List<String> leaves = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    for (JsonNode sample : data) {
      leaves.add(leafName(thread, sample.get(stackAt).asInt()));
      times.add(sample.get(timeAt).asDouble());
    }
    assertThat(times).isSorted();
    assertThat(times).doesNotHaveDuplicates();

    // Consecutive samples of one leaf are one run: 60 of them, alternating parse and store.
    List<String> groups = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (String leaf : leaves) {
      if (groups.isEmpty() || !groups.get(groups.size() - 1).equals(leaf)) {
        groups.add(leaf);
        sizes.add(0);
      }
      sizes.set(sizes.size() - 1, sizes.get(sizes.size() - 1) + 1);
    }
    assertThat(groups).hasSize(60);
    for (int i = 0; i < 60; i++) {
      assertThat(groups.get(i)).isEqualTo(i % 2 == 0 ? "com.acme.Job.parse" : "com.acme.Job.store");
      assertThat(sizes.get(i)).isEqualTo((int) runs.get(i).samples());
    }

    // Each sample lies within its run, evenly spaced, in milliseconds from the span's start.
    int s = 0;
    for (ProfileTimelineFormat.Run run : runs) {
      for (long k = 0; k < run.samples(); k++, s++) {
        double expected = (run.startMicros() + k * run.durationMicros() / run.samples()) / 1000.0;
        assertThat(times.get(s)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(times.get(s) * 1000)
            .isGreaterThanOrEqualTo(run.startMicros())
            .isLessThan(run.startMicros() + run.durationMicros());
      }
    }
  }

  @Test
  void metaHasWhatTheFirefoxProfilerNeeds() throws Exception {
    JsonNode profile =
        new ObjectMapper()
            .readTree(
                FirefoxProfiles.gecko(
                    STACKS, alternating(new ArrayList<>()), "invoice-job", START));
    JsonNode meta = profile.path("meta");
    assertThat(meta.path("version").asInt()).isEqualTo(FirefoxProfiles.GECKO_VERSION).isEqualTo(36);
    assertThat(meta.path("interval").asDouble()).isEqualTo(10.0);
    assertThat(meta.path("startTime").asLong()).isEqualTo(START);
    assertThat(meta.has("shutdownTime")).isTrue();
    assertThat(meta.path("shutdownTime").isNull()).isTrue();
    assertThat(meta.path("processType").isNumber()).isTrue();
    assertThat(meta.path("product").asText()).isEqualTo("jobtrace invoice-job");
    for (String flag : List.of("stackwalk", "debug", "gcpoison", "asyncstack")) {
      assertThat(meta.path(flag).isInt()).as(flag).isTrue();
    }
    assertThat(meta.path("presymbolicated").asBoolean()).isTrue();
    assertThat(meta.path("markerSchema").isArray()).isTrue();
    assertThat(meta.path("profilingStartTime").asDouble()).isEqualTo(0.0);
    assertThat(meta.path("profilingEndTime").asDouble()).isPositive();

    // Categories: a grey one (the profiler's default), each with "Other" as subcategory 0.
    JsonNode categories = meta.path("categories");
    List<String> names = new ArrayList<>();
    boolean grey = false;
    for (JsonNode c : categories) {
      names.add(c.path("name").asText());
      grey |= c.path("color").asText().equals("grey");
      assertThat(c.path("subcategories").get(0).asText()).isEqualTo("Other");
    }
    assertThat(grey).isTrue();
    assertThat(names).contains("Java", "Other");

    for (String field : List.of("libs", "threads", "pausedRanges", "processes")) {
      assertThat(profile.path(field).isArray()).as(field).isTrue();
    }
    JsonNode sources = profile.path("sources").path("schema");
    assertThat(sources.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("id", "filename", "startLine", "startColumn", "sourceMapURL");

    JsonNode thread = profile.path("threads").get(0);
    for (String field :
        List.of("name", "processType", "tid", "pid", "registerTime", "unregisterTime")) {
      assertThat(thread.has(field)).as(field).isTrue();
    }
    assertThat(thread.path("markers").path("schema").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("name", "startTime", "endTime", "phase", "category", "data");
    assertThat(thread.path("frameTable").path("schema").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "location",
            "relevantForJS",
            "innerWindowID",
            "implementation",
            "line",
            "column",
            "category",
            "subcategory");
    assertThat(thread.path("stackTable").path("schema").path("prefix").asInt()).isEqualTo(0);
    assertThat(thread.path("stackTable").path("schema").path("frame").asInt()).isEqualTo(1);

    // Java frames are in the Java category; the stack table's prefixes come before their stacks.
    int categoryAt = thread.path("frameTable").path("schema").path("category").asInt();
    int java = names.indexOf("Java");
    for (JsonNode frame : thread.path("frameTable").path("data")) {
      assertThat(frame.get(categoryAt).asInt()).isEqualTo(java);
    }
    JsonNode stacks = thread.path("stackTable").path("data");
    for (int i = 0; i < stacks.size(); i++) {
      assertThat(stacks.get(i).get(0).isNull() || stacks.get(i).get(0).asInt() < i).isTrue();
    }
  }

  @Test
  void otherIsOneFrameAndEveryThreadItsOwnTrack() throws Exception {
    ProfileTimelineFormat.Timeline timeline =
        new ProfileTimelineFormat.Timeline(
            1_000,
            false,
            List.of(
                new ProfileTimelineFormat.ThreadRuns(
                    7, "worker-1", List.of(new ProfileTimelineFormat.Run(0, 2_000, 2, 2))),
                new ProfileTimelineFormat.ThreadRuns(
                    8, "", List.of(new ProfileTimelineFormat.Run(500, 1_000, 0, 1)))));
    JsonNode profile =
        new ObjectMapper().readTree(FirefoxProfiles.gecko(STACKS, timeline, "job", START));
    JsonNode threads = profile.path("threads");
    assertThat(threads).hasSize(2);
    assertThat(threads.get(0).path("name").asText()).isEqualTo("worker-1");
    assertThat(threads.get(1).path("name").asText()).isEqualTo("thread 8");
    JsonNode worker = threads.get(0);
    assertThat(worker.path("stackTable").path("data")).hasSize(1);
    assertThat(leafName(worker, worker.path("samples").path("data").get(0).get(0).asInt()))
        .isEqualTo("other");
    assertThat(worker.path("samples").path("data").get(1).get(1).asDouble()).isEqualTo(1.0);
    assertThat(profile.path("meta").path("interval").asDouble()).isEqualTo(1.0);
  }

  @Test
  void typeSuffixesPickTheCategory() {
    assertThat(FirefoxProfiles.categoryOf("a.B.c_[j]"))
        .containsExactly(FirefoxProfiles.JAVA, FirefoxProfiles.JAVA_JIT);
    assertThat(FirefoxProfiles.categoryOf("a.B.c_[0]"))
        .containsExactly(FirefoxProfiles.JAVA, FirefoxProfiles.JAVA_INTERPRETED);
    assertThat(FirefoxProfiles.categoryOf("a.B.c_[1]"))
        .containsExactly(FirefoxProfiles.JAVA, FirefoxProfiles.JAVA_C1);
    assertThat(FirefoxProfiles.categoryOf("a.B.c_[i]"))
        .containsExactly(FirefoxProfiles.JAVA, FirefoxProfiles.JAVA_INLINED);
    assertThat(FirefoxProfiles.categoryOf("do_syscall_64_[k]"))
        .containsExactly(FirefoxProfiles.KERNEL, 0);
    assertThat(FirefoxProfiles.categoryOf("com.acme.Job.run"))
        .containsExactly(FirefoxProfiles.JAVA, 0);
    assertThat(FirefoxProfiles.categoryOf("os::javaTimeNanos"))
        .containsExactly(FirefoxProfiles.NATIVE, 0);
    assertThat(FirefoxProfiles.categoryOf("libc.so.6")).containsExactly(FirefoxProfiles.NATIVE, 0);
    assertThat(FirefoxProfiles.categoryOf("__GI___clock_gettime"))
        .containsExactly(FirefoxProfiles.NATIVE, 0);
  }

  /** A sample's leaf frame name: stackTable, then frameTable, then stringTable. */
  private static String leafName(JsonNode thread, int stack) {
    JsonNode stackRow = thread.path("stackTable").path("data").get(stack);
    int frameAt = thread.path("stackTable").path("schema").path("frame").asInt();
    JsonNode frameRow = thread.path("frameTable").path("data").get(stackRow.get(frameAt).asInt());
    int locationAt = thread.path("frameTable").path("schema").path("location").asInt();
    return thread.path("stringTable").get(frameRow.get(locationAt).asInt()).asText();
  }
}
