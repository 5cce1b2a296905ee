package dev.jobtrace.linker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A span's profile snippet decoded: base64 of gzip of folded stacks. Decoding is bounded whatever
 * the input: a snippet longer than {@link #MAX_ENCODED} characters is refused before decoding, and
 * inflating stops at {@link #MAX_FOLDED} bytes (a gzip bomb costs at most that much work).
 */
public final class Snippet {

  /** jobtrace writes at most 64 KiB; anything much larger did not come from it. */
  static final int MAX_ENCODED = 1 << 20;
  static final int MAX_FOLDED = 16 << 20;
  static final int MAX_FRAMES = 2048;

  /** Folded stack (root first, {@code ;}-separated) to sample count, in snippet order. */
  public final Map<String, Long> stacks;
  public final long samples;

  private Snippet(Map<String, Long> stacks, long samples) {
    this.stacks = stacks;
    this.samples = samples;
  }

  public static Snippet decode(String encoded) {
    if (encoded.length() > MAX_ENCODED) {
      throw new Invalid("profile snippet too large: " + encoded.length() + " characters (at most " + MAX_ENCODED + ")");
    }
    byte[] gzipped;
    try {
      gzipped = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw new Invalid("profile snippet is not base64: " + e.getMessage());
    }
    String folded = inflate(gzipped);
    Map<String, Long> stacks = new LinkedHashMap<>();
    long total = 0;
    int lineNo = 0;
    for (String line : folded.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      long count;
      try {
        count = space > 0 ? Long.parseLong(line.substring(space + 1)) : -1;
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count <= 0) {
        throw new Invalid("profile snippet line " + lineNo + " is not \"frame;frame count\"");
      }
      String stack = line.substring(0, space);
      if (stack.chars().filter(c -> c == ';').count() >= MAX_FRAMES) {
        throw new Invalid("profile snippet line " + lineNo + " has more than " + MAX_FRAMES + " frames");
      }
      stacks.merge(stack, count, Long::sum);
      total += count;
    }
    if (stacks.isEmpty()) {
      throw new Invalid("profile snippet holds no stacks");
    }
    return new Snippet(stacks, total);
  }

  static String inflate(byte[] gzipped) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (out.size() + n > MAX_FOLDED) {
          throw new Invalid("profile snippet inflates to more than " + (MAX_FOLDED >> 20) + " MiB; refused");
        }
        out.write(buf, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Invalid("profile snippet is not valid gzip: " + e.getMessage());
    }
  }

  /** Folded text, one {@code stack count} line per stack. */
  public String folded() {
    StringBuilder out = new StringBuilder();
    stacks.forEach((stack, count) -> out.append(stack).append(' ').append(count).append('\n'));
    return out.toString();
  }

  /** A snippet that cannot be shown, with the reason. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message) {
      super(message);
    }
  }
}
