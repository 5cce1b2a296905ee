package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.contract.ProfileSnippetFormat;
import java.nio.charset.StandardCharsets;
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
}
