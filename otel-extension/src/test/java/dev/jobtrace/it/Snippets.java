package dev.jobtrace.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads a span's profile snippet back into folded stacks. */
final class Snippets {
  private Snippets() {}

  static String encoded(ExportedSpan span) {
    return span.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.profile"))
        .map(e -> ExportedSpan.value(e.getAttributesList(), "jobtrace.profile.folded").getStringValue())
        .findFirst()
        .orElse(null);
  }

  /** Folded stack to sample count. */
  static Map<String, Long> folded(ExportedSpan span) {
    String encoded = encoded(span);
    if (encoded == null) {
      throw new AssertionError("no jobtrace.profile event on " + span);
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
      Map<String, Long> stacks = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        stacks.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
      }
      return stacks;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long total(Map<String, Long> stacks) {
    return stacks.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Samples whose stack contains a frame naming {@code method}. */
  static long containing(Map<String, Long> stacks, String method) {
    return stacks.entrySet().stream()
        .filter(e -> e.getKey().contains(method))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  static double percent(Map<String, Long> stacks, String method) {
    return 100.0 * containing(stacks, method) / Math.max(1, total(stacks));
  }
}
