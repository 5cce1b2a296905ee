package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ProfileSnippetTest {

  static Map<String, Long> decode(String encoded) throws Exception {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
      }
      return out;
    }
  }

  @Test
  void foldedStacksRoundTripMostFrequentFirst() throws Exception {
    Map<String, long[]> stacks = new HashMap<>();
    stacks.put("Main.main;Job.run;Job.compute", new long[] {70});
    stacks.put("Main.main;Job.run;java.lang.Thread.sleep", new long[] {30});
    ProfileSnippet snippet = ProfileSnippet.build(stacks, 65536, new HotFrames(List.of()));
    Map<String, Long> decoded = decode(snippet.encoded);
    assertThat(decoded)
        .containsExactly(
            Map.entry("Main.main;Job.run;Job.compute", 70L),
            Map.entry("Main.main;Job.run;java.lang.Thread.sleep", 30L));
    assertThat(snippet.samples).isEqualTo(100);
    assertThat(snippet.hot).isEqualTo("Job.compute 70%, Job.run 30% (waiting in Thread.sleep)");
  }

  @Test
  void rarestStacksFoldIntoOtherToStayUnderTheCap() throws Exception {
    Map<String, long[]> stacks = new HashMap<>();
    Random random = new Random(42);
    long total = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder stack = new StringBuilder("Main.main");
      for (int depth = 0; depth < 30; depth++) {
        stack
            .append(";pkg.Class")
            .append(random.nextInt(1_000_000))
            .append(".method")
            .append(depth);
      }
      long count = 1 + (i < 10 ? 1000 : random.nextInt(3));
      total += count;
      stacks.put(stack.toString(), new long[] {count});
    }
    ProfileSnippet snippet = ProfileSnippet.build(stacks, 65536, new HotFrames(List.of()));
    assertThat(snippet.encoded.length()).isLessThanOrEqualTo(65536);
    assertThat(snippet.stacksKept).isLessThan(snippet.stacksTotal).isGreaterThanOrEqualTo(10);
    Map<String, Long> decoded = decode(snippet.encoded);
    assertThat(decoded).containsKey("other");
    assertThat(decoded.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    // The ten heavy stacks are the ones kept first.
    assertThat(decoded.values().stream().limit(10)).allMatch(c -> c >= 1001);
  }

  @Test
  void shortNamesKeepClassAndMethod() {
    assertThat(ProfileSnippet.shortName("java.lang.Thread.sleep")).isEqualTo("Thread.sleep");
    assertThat(ProfileSnippet.shortName("Outer$Inner.run")).isEqualTo("Outer$Inner.run");
    assertThat(ProfileSnippet.shortName("no_Java_frame")).isEqualTo("no_Java_frame");
    assertThat(ProfileSnippet.shortName("com.acme.Report.render_[j]")).isEqualTo("Report.render");
  }
}
