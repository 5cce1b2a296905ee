package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.contract.ProfileSnippetFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameGraphsTest {

  @Test
  void frameNamesCannotCloseTheScript() throws Exception {
    Snippet s =
        Snippet.decode(
            ProfileSnippetFormat.encode(
                "main;Evil.</script><script>alert(1)</script> 5\nmain;Report.render 3\n"));
    String html = new String(FlameGraphs.html(s, "<b>title</b>"), StandardCharsets.UTF_8);
    assertThat(html)
        .doesNotContain("<script>alert(1)")
        .doesNotContain("<b>title</b>")
        .contains("Report.render");
    assertThat(html.split("</script>", -1).length)
        .isEqualTo(
            new String(
                    FlameGraphs.html(Snippet.decode(ProfileSnippetFormat.encode("main 1\n")), "t"),
                    StandardCharsets.UTF_8)
                .split("</script>", -1)
                .length);
  }

  @Test
  void constructorsKeepTheirNameForTheScript() throws Exception {
    Snippet s = Snippet.decode(ProfileSnippetFormat.encode("main;com.acme.Invoice.<init> 4\n"));
    String html = new String(FlameGraphs.html(s, "t"), StandardCharsets.UTF_8);
    // The string the script sees is "com.acme.Invoice.<init>": \x3C is "<" in a JavaScript string.
    assertThat(html)
        .contains("Invoice.\\x3Cinit>")
        .doesNotContain("\uFF1C")
        .doesNotContain("Invoice.<init>");
  }

  @Test
  void speedscopeHoldsEveryStackWithItsWeight() throws Exception {
    Snippet s = Snippet.decode(ProfileSnippetFormat.encode("a;b 7\na;c 3\n"));
    JsonNode json = new ObjectMapper().readTree(FlameGraphs.speedscope(s, "job"));
    assertThat(json.path("shared").path("frames")).hasSize(3);
    assertThat(json.path("profiles").get(0).path("weights").toString()).isEqualTo("[7,3]");
    assertThat(json.path("profiles").get(0).path("samples").toString()).isEqualTo("[[0,1],[0,2]]");
  }

  @Test
  void withATimelineSpeedscopeOpensAndClosesOnlyTheFramesThatDiffer() throws Exception {
    String snippet =
        ProfileSnippetFormat.encode("main;Job.run;Job.parse_[j] 3\nmain;Job.run;Job.store 2\n");
    // On thread 1: parse, store right after, then a gap, then parse again. Thread 2: store.
    String timeline =
        ProfileSnippetFormat.encode(
            "timeline 1 10000\nthread 1 main\n0 20000 0 2\n20000 20000 1 2\n100000 10000 0 1\n"
                + "thread 2\n5000 10000 1 1\n");
    Snippet s = Snippet.decode(snippet, timeline);
    assertThat(s.timelineProblem()).isNull();
    JsonNode json = new ObjectMapper().readTree(FlameGraphs.speedscope(s, "job"));
    assertThat(json.path("shared").path("frames").toString())
        .isEqualTo(
            "[{\"name\":\"main\"},{\"name\":\"Job.run\"},{\"name\":\"Job.parse\"},{\"name\":\"Job.store\"}]");
    JsonNode main = json.path("profiles").get(0);
    assertThat(main.path("name").asText()).isEqualTo("main");
    assertThat(main.path("type").asText()).isEqualTo("evented");
    assertThat(events(main))
        .containsExactly(
            "O0@0",
            "O1@0",
            "O2@0",
            "C2@20000",
            "O3@20000",
            "C3@40000",
            "C1@40000",
            "C0@40000",
            "O0@100000",
            "O1@100000",
            "O2@100000",
            "C2@110000",
            "C1@110000",
            "C0@110000");
    assertThat(main.path("startValue").asLong()).isZero();
    assertThat(main.path("endValue").asLong()).isEqualTo(110000);
    JsonNode other = json.path("profiles").get(1);
    assertThat(other.path("name").asText()).isEqualTo("thread 2");
    assertThat(events(other))
        .containsExactly("O0@5000", "O1@5000", "O3@5000", "C3@15000", "C1@15000", "C0@15000");
  }

  @Test
  void aTimelineThatCannotBeReadLeavesTheFlameGraphAndSaysWhy() {
    Snippet s =
        Snippet.decode(
            ProfileSnippetFormat.encode("a;b 1\n"),
            ProfileSnippetFormat.encode("timeline 1 10000\nthread 1\n0 10 9 1\n"));
    assertThat(s.timeline()).isNull();
    assertThat(s.timelineProblem()).contains("names stack 9, but the snippet has 1 lines");
    assertThat(s.stacks()).containsEntry("a;b", 1L);
  }

  private static List<String> events(JsonNode profile) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : profile.path("events")) {
      out.add(e.path("type").asText() + e.path("frame").asInt() + "@" + e.path("at").asLong());
    }
    return out;
  }
}
