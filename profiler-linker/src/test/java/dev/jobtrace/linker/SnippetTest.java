package dev.jobtrace.linker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class SnippetTest {

  static String encode(byte[] folded) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(folded);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  @Test
  void decodesFoldedStacks() throws Exception {
    Snippet s = Snippet.decode(encode("a;b;c 7\na;d 3\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(s.samples).isEqualTo(10);
    assertThat(s.stacks).containsEntry("a;b;c", 7L).containsEntry("a;d", 3L);
  }

  @Test
  void gzipBombIsRefusedAfterBoundedWork() throws Exception {
    // 1 GiB of the same line compresses to about 1 MiB; use 64 MiB to keep the test quick.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = "a;b;c 1\n".repeat(8192).getBytes(StandardCharsets.UTF_8);
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < (64 << 20) / chunk.length; i++) {
        gz.write(chunk);
      }
    }
    String bomb = Base64.getEncoder().encodeToString(bytes.toByteArray());
    assertThat(bomb.length()).isLessThan(Snippet.MAX_ENCODED);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Snippet.decode(bomb)).isInstanceOf(Snippet.Invalid.class).hasMessageContaining("inflates to more than 16 MiB");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void oversizedOrCorruptSnippetsAreRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> Snippet.decode("A".repeat(Snippet.MAX_ENCODED + 1))).hasMessageContaining("too large");
    assertThatThrownBy(() -> Snippet.decode("not base64 !!")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> Snippet.decode(Base64.getEncoder().encodeToString("plain".getBytes())))
        .hasMessageContaining("not valid gzip");
    assertThatThrownBy(() -> Snippet.decode(encode("a;b;c seven\n".getBytes()))).hasMessageContaining("line 1");
    assertThatThrownBy(() -> Snippet.decode(encode("".getBytes()))).hasMessageContaining("no stacks");
  }
}
