package dev.jobtrace.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.profiler.HotFrames;
import dev.jobtrace.profiler.ProfileSnippet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A span's profile holds bounded memory however long it runs and however varied its stacks. */
class SpanNodeTest {

  @Test
  void distinctStacksBeyondTheCapCountAsOther() {
    SpanNode node = new SpanNode("00f067aa0ba902b7", null, 0);
    // Hours of a job whose stacks never repeat (generated code, deep recursion with varying depth).
    for (int i = 0; i < 200_000; i++) {
      node.add("Job.run_[j];Step" + i + ".apply_[j]", null, i, 2_000, 10_000_000, 0);
    }
    node.add("Job.run_[j];Step7.apply_[j]", null, 0, 2_000, 10_000_000, 0);

    assertThat(node.stacks).hasSize(2_001);
    assertThat(node.samples).isEqualTo(200_001);
    assertThat(node.stacks.get(ProfileSnippetFormat.OTHER)[0]).isEqualTo(198_000);
    assertThat(node.stacks.get("Job.run_[j];Step7.apply_[j]")[0]).isEqualTo(2);
    ProfileSnippet snippet = ProfileSnippet.build(node.stacks, 65536, new HotFrames(List.of()));
    assertThat(snippet.samples).isEqualTo(200_001);
  }
}
