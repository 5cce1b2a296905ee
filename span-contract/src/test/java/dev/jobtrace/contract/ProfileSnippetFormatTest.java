package dev.jobtrace.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ProfileSnippetFormatTest {

  @Test
  void foldedStacksSurviveTheWireInOrderWithRepeatsSummed() {
    String encoded = ProfileSnippetFormat.encode("a;b;c_[j] 7\na;d 3\na;b;c_[j] 2\n");
    assertThat(ProfileSnippetFormat.decode(encoded))
        .containsExactly(java.util.Map.entry("a;b;c_[j]", 9L), java.util.Map.entry("a;d", 3L));
  }

  @Test
  void gzipBombIsRefusedOnceItInflatesPastTheCap() throws Exception {
    // 64 MiB of one line compresses to well under the encoded cap.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = "a;b;c 1\n".repeat(8192).getBytes(StandardCharsets.UTF_8);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < (64 << 20) / chunk.length; i++) {
        gz.write(chunk);
      }
    }
    String bomb = Base64.getEncoder().encodeToString(bytes.toByteArray());
    assertThat(bomb.length()).isLessThan(ProfileSnippetFormat.MAX_ENCODED);
    assertThatThrownBy(() -> ProfileSnippetFormat.decode(bomb))
        .isInstanceOf(ProfileSnippetFormat.Invalid.class)
        .hasMessageContaining("inflates to more than 16 MiB");
  }

  @Test
  void oversizedOrCorruptSnippetsAreRefusedWithTheReason() {
    assertThatThrownBy(
            () -> ProfileSnippetFormat.decode("A".repeat(ProfileSnippetFormat.MAX_ENCODED + 1)))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> ProfileSnippetFormat.decode("not base64 !!"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(
            () ->
                ProfileSnippetFormat.decode(Base64.getEncoder().encodeToString("plain".getBytes())))
        .hasMessageContaining("not valid gzip");
    assertThatThrownBy(
            () -> ProfileSnippetFormat.decode(ProfileSnippetFormat.encode("a;b;c seven\n")))
        .hasMessageContaining("line 1");
    assertThatThrownBy(
            () ->
                ProfileSnippetFormat.decode(
                    ProfileSnippetFormat.encode("a;b 1\n" + "f;".repeat(2048) + "g 1\n")))
        .hasMessageContaining("line 2 has more than 2048 frames");
    assertThatThrownBy(() -> ProfileSnippetFormat.decode(ProfileSnippetFormat.encode("")))
        .hasMessageContaining("no stacks");
  }

  @Test
  void typeSuffixesComeOffTheFramesThatCarryThem() {
    assertThat(
            ProfileSnippetFormat.withoutTypeSuffix(
                "pkg.Job.run" + ProfileSnippetFormat.typeSuffix(1)))
        .isEqualTo("pkg.Job.run");
    assertThat(ProfileSnippetFormat.withoutTypeSuffix("pkg.Job.run_[i]")).isEqualTo("pkg.Job.run");
    assertThat(ProfileSnippetFormat.withoutTypeSuffix("[unknown]")).isEqualTo("[unknown]");
    assertThat(ProfileSnippetFormat.withoutTypeSuffix("x_[j]")).isEqualTo("x");
    assertThat(ProfileSnippetFormat.typeSuffix(3)).isEmpty();
  }
}
