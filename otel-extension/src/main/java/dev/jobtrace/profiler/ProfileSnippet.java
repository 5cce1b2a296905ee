package dev.jobtrace.profiler;

import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.ProfileTimelineFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span's profile as it travels in the span, in {@link ProfileSnippetFormat}, at most {@code
 * maxBytes} long: the rarest stacks fold into one {@code other} line. Plus the one-line summary of
 * where the time went ({@link HotFrames}).
 */
public final class ProfileSnippet {

  public final String encoded;
  public final long samples;
  public final String hot;
  public final int stacksKept;
  public final int stacksTotal;

  /** The samples' order, in {@link ProfileTimelineFormat}; null when not kept or too large. */
  public final String timeline;

  private ProfileSnippet(
      String encoded, long samples, String hot, int stacksKept, int stacksTotal, String timeline) {
    this.encoded = encoded;
    this.samples = samples;
    this.hot = hot;
    this.stacksKept = stacksKept;
    this.stacksTotal = stacksTotal;
    this.timeline = timeline;
  }

  public static ProfileSnippet build(
      Map<String, long[]> stacks, int maxBytes, HotFrames hotFrames) {
    return build(stacks, maxBytes, hotFrames, null, 0, 0);
  }

  /**
   * The snippet of {@code stacks} (stack to {count, id}) and, with {@code runs}, the timeline of
   * the span that started at {@code startNanos}, within {@code maxBytes} and {@code
   * maxTimelineBytes}.
   */
  public static ProfileSnippet build(
      Map<String, long[]> stacks,
      int maxBytes,
      HotFrames hotFrames,
      SampleRuns runs,
      long startNanos,
      int maxTimelineBytes) {
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(stacks.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    long total = 0;
    for (Map.Entry<String, long[]> e : sorted) {
      total += e.getValue()[0];
    }
    String hot = hotFrames.line(sorted, total);

    // Keep as many of the most frequent stacks as fit; everything else becomes "other".
    int keep = sorted.size();
    String encoded = encode(sorted, keep);
    if (encoded.length() > maxBytes) {
      int lo = 0;
      int hi = sorted.size() - 1;
      String best = encode(sorted, 0);
      int bestKeep = 0;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        String candidate = encode(sorted, mid);
        if (candidate.length() <= maxBytes) {
          best = candidate;
          bestKeep = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      encoded = best;
      keep = bestKeep;
    }
    String timeline = null;
    if (runs != null && runs.size() > 0) {
      // A stack's id to its line: the kept stacks in order, then the "other" line.
      Map<Long, Integer> lines = new HashMap<>();
      int otherLine = keep;
      for (int i = 0; i < sorted.size(); i++) {
        long[] v = sorted.get(i).getValue();
        if (v.length > 1) {
          lines.put(v[1], Math.min(i, otherLine));
        }
      }
      timeline =
          runs.encode(startNanos, id -> lines.getOrDefault((long) id, otherLine), maxTimelineBytes);
    }
    return new ProfileSnippet(encoded, total, hot, keep, sorted.size(), timeline);
  }

  static String encode(List<Map.Entry<String, long[]>> sorted, int keep) {
    StringBuilder folded = new StringBuilder();
    long other = 0;
    for (int i = 0; i < sorted.size(); i++) {
      Map.Entry<String, long[]> e = sorted.get(i);
      if (i < keep) {
        folded.append(e.getKey()).append(' ').append(e.getValue()[0]).append('\n');
      } else {
        other += e.getValue()[0];
      }
    }
    if (other > 0) {
      folded.append(ProfileSnippetFormat.OTHER).append(' ').append(other).append('\n');
    }
    return ProfileSnippetFormat.encode(folded);
  }

  /** {@code pkg.Class.method_[j]} to {@code Class.method}. */
  static String shortName(String frame) {
    frame = ProfileSnippetFormat.withoutTypeSuffix(frame);
    int method = frame.lastIndexOf('.');
    if (method <= 0) {
      return frame;
    }
    int cls = frame.lastIndexOf('.', method - 1);
    return frame.substring(cls + 1);
  }
}
