package dev.jobtrace.linker;

import dev.jobtrace.contract.ProfileSnippetFormat;
import java.util.Map;

/**
 * A span's profile snippet decoded ({@link ProfileSnippetFormat}).
 *
 * @param stacks folded stack (root first, {@code ;}-separated) to sample count, in snippet order
 * @param samples the sum of the counts
 */
public record Snippet(Map<String, Long> stacks, long samples) {

  /** Throws {@link ProfileSnippetFormat.Invalid}, with the reason, for what cannot be shown. */
  public static Snippet decode(String encoded) {
    Map<String, Long> stacks = ProfileSnippetFormat.decode(encoded);
    return new Snippet(stacks, stacks.values().stream().mapToLong(Long::longValue).sum());
  }

  /** Folded text, one {@code stack count} line per stack. */
  public String folded() {
    StringBuilder out = new StringBuilder();
    stacks.forEach((stack, count) -> out.append(stack).append(' ').append(count).append('\n'));
    return out.toString();
  }
}
