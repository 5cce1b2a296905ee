package dev.jobtrace.contract;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The profile snippet on the wire ({@link SpanContract#PROFILE_FOLDED}): folded stacks, one {@code
 * frame;frame;frame count} line per stack with the root first, gzipped, then base64. Frames carry
 * async-profiler's frame-type suffix ({@code _[j]} Java, {@code _[i]} inlined, ...), which flame
 * graphs colour by. Decoding is bounded whatever the input: a text longer than {@link #MAX_ENCODED}
 * is refused before decoding, and inflating stops at {@link #MAX_FOLDED} bytes.
 */
public final class ProfileSnippetFormat {

  /** The line that stands for the stacks left out to fit the size cap. */
  public static final String OTHER = "other";

  /** jobtrace writes at most 64 KiB; anything much larger did not come from it. */
  public static final int MAX_ENCODED = 1 << 20;

  public static final int MAX_FOLDED = 16 << 20;
  public static final int MAX_FRAMES = 2048;

  private ProfileSnippetFormat() {}

  /** Folded text to the wire form. */
  public static String encode(CharSequence folded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(folded.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /**
   * The wire form to folded stack → sample count, in snippet order (a stack written twice is
   * summed). Throws {@link Invalid}, with what is wrong, for anything jobtrace would not write.
   */
  public static Map<String, Long> decode(String encoded) {
    Map<String, Long> stacks = new LinkedHashMap<>();
    for (Map.Entry<String, Long> line : decodeLines(encoded)) {
      stacks.merge(line.getKey(), line.getValue(), Long::sum);
    }
    return stacks;
  }

  /**
   * The wire form to its lines, each a folded stack and its sample count, in snippet order: what a
   * {@link ProfileTimelineFormat timeline}'s stack numbers point at. Throws {@link Invalid} as
   * {@link #decode} does.
   */
  public static List<Map.Entry<String, Long>> decodeLines(String encoded) {
    String text = decodeText(encoded, "profile snippet");
    List<Map.Entry<String, Long>> lines = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
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
        throw new Invalid(
            "profile snippet line " + lineNo + " has more than " + MAX_FRAMES + " frames");
      }
      lines.add(Map.entry(stack, count));
    }
    if (lines.isEmpty()) {
      throw new Invalid("profile snippet holds no stacks");
    }
    return lines;
  }

  /**
   * Base64, then gzip, to text, bounded: refused above {@link #MAX_ENCODED} characters, and above
   * {@link #MAX_FOLDED} bytes inflated. {@code what} names the input in the errors.
   */
  static String decodeText(String encoded, String what) {
    if (encoded.length() > MAX_ENCODED) {
      throw new Invalid(
          what + " too large: " + encoded.length() + " characters (at most " + MAX_ENCODED + ")");
    }
    byte[] gzipped;
    try {
      gzipped = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw new Invalid(what + " is not base64: " + e.getMessage());
    }
    return inflate(gzipped, what);
  }

  private static String inflate(byte[] gzipped, String what) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        if (out.size() + n > MAX_FOLDED) {
          throw new Invalid(
              what + " inflates to more than " + (MAX_FOLDED >> 20) + " MiB; refused");
        }
        out.write(buf, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Invalid(what + " is not valid gzip: " + e.getMessage());
    }
  }

  /** async-profiler's frame type to the suffix a folded frame carries; none for the rest. */
  public static String typeSuffix(int frameType) {
    switch (frameType) {
      case 0:
        return "_[0]";
      case 1:
        return "_[j]";
      case 2:
        return "_[i]";
      case 5:
        return "_[k]";
      case 6:
        return "_[1]";
      default:
        return "";
    }
  }

  /** {@code pkg.Class.method_[j]} to {@code pkg.Class.method}. */
  public static String withoutTypeSuffix(String frame) {
    int n = frame.length();
    return n > 4 && frame.charAt(n - 1) == ']' && frame.startsWith("_[", n - 4)
        ? frame.substring(0, n - 4)
        : frame;
  }

  /** A snippet that cannot be read, with the reason. */
  public static final class Invalid extends IllegalArgumentException {
    public Invalid(String message) {
      super(message);
    }
  }
}
