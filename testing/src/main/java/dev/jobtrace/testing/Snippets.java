package dev.jobtrace.testing;

import dev.jobtrace.contract.ProfileSnippetFormat;
import java.util.Map;

/** Reads a span's profile snippet back into folded stacks. */
public final class Snippets {
  private Snippets() {}

  public static String encoded(ExportedSpan span) {
    return span.span.getEventsList().stream()
        .filter(e -> e.getName().equals("jobtrace.profile"))
        .map(
            e ->
                ExportedSpan.value(e.getAttributesList(), "jobtrace.profile.folded")
                    .getStringValue())
        .findFirst()
        .orElse(null);
  }

  /** Folded stack to sample count. */
  public static Map<String, Long> folded(ExportedSpan span) {
    String encoded = encoded(span);
    if (encoded == null) {
      throw new AssertionError("no jobtrace.profile event on " + span);
    }
    return ProfileSnippetFormat.decode(encoded);
  }

  public static long total(Map<String, Long> stacks) {
    return stacks.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Samples whose stack contains a frame naming {@code method}. */
  public static long containing(Map<String, Long> stacks, String method) {
    return stacks.entrySet().stream()
        .filter(e -> e.getKey().contains(method))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  public static double percent(Map<String, Long> stacks, String method) {
    return 100.0 * containing(stacks, method) / Math.max(1, total(stacks));
  }
}
