package dev.jobtrace.linker;

import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.ProfileTimelineFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span's profile snippet decoded ({@link ProfileSnippetFormat}), with the order of its samples
 * when the span carries it ({@link ProfileTimelineFormat}).
 *
 * @param stacks folded stack (root first, {@code ;}-separated) to sample count, in snippet order
 * @param samples the sum of the counts
 * @param lines the snippet's stacks line by line, which the timeline's stack numbers point at
 * @param timeline the samples in time order; null when the span has none or it cannot be read
 * @param timelineProblem why a timeline the span carries cannot be read; null otherwise
 */
public record Snippet(
    Map<String, Long> stacks,
    long samples,
    List<String> lines,
    ProfileTimelineFormat.Timeline timeline,
    String timelineProblem) {

  /** Throws {@link ProfileSnippetFormat.Invalid}, with the reason, for what cannot be shown. */
  public static Snippet decode(String encoded) {
    return decode(encoded, null);
  }

  /**
   * The snippet and its timeline ({@code encodedTimeline}, may be null). A snippet that cannot be
   * read throws {@link ProfileSnippetFormat.Invalid}; a timeline that cannot be read leaves the
   * snippet whole and says why in {@link #timelineProblem}.
   */
  public static Snippet decode(String encoded, String encodedTimeline) {
    List<Map.Entry<String, Long>> lines = ProfileSnippetFormat.decodeLines(encoded);
    Map<String, Long> stacks = new LinkedHashMap<>();
    List<String> stackLines = new ArrayList<>(lines.size());
    long samples = 0;
    for (Map.Entry<String, Long> line : lines) {
      stacks.merge(line.getKey(), line.getValue(), Long::sum);
      stackLines.add(line.getKey());
      samples += line.getValue();
    }
    ProfileTimelineFormat.Timeline timeline = null;
    String problem = null;
    if (encodedTimeline != null) {
      try {
        timeline = ProfileTimelineFormat.decode(encodedTimeline, stackLines.size());
      } catch (ProfileSnippetFormat.Invalid e) {
        problem = e.getMessage();
      }
    }
    return new Snippet(stacks, samples, List.copyOf(stackLines), timeline, problem);
  }

  /** Folded text, one {@code stack count} line per stack. */
  public String folded() {
    StringBuilder out = new StringBuilder();
    stacks.forEach((stack, count) -> out.append(stack).append(' ').append(count).append('\n'));
    return out.toString();
  }
}
