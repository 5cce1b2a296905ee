package dev.jobtrace.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of a span's samples on the wire ({@link SpanContract#PROFILE_TIMELINE}), beside its
 * folded snippet: for each thread that worked for the span, its runs of samples in time order, each
 * run one stack of the snippet sampled again and again. Gzipped and base64 as the snippet, from
 * this text:
 *
 * <pre>
 * timeline 1 &lt;interval µs&gt; [truncated]
 * thread &lt;id&gt; [&lt;name&gt;]
 * &lt;start µs&gt; &lt;duration µs&gt; &lt;stack&gt; &lt;samples&gt;
 * ...
 * </pre>
 *
 * A run's start is from the span's start; its stack is the 0-based line of the snippet it was
 * sampled in ({@link ProfileSnippetFormat#OTHER} being a line as any other). A run covers its
 * samples, from the first to one interval past the last; where the timeline was coarsened to fit
 * its size cap, a run holds neighbouring runs of the same thread and names the stack most of their
 * samples had. {@code truncated}: the span's later runs were left out. Decoding is bounded as the
 * snippet's is.
 */
public final class ProfileTimelineFormat {

  public static final int VERSION = 1;

  /** Threads a timeline may name; jobtrace writes one per thread that worked for the span. */
  public static final int MAX_THREADS = 10_000;

  private ProfileTimelineFormat() {}

  /** A span's timeline. */
  public record Timeline(long intervalMicros, boolean truncated, List<ThreadRuns> threads) {
    public Timeline {
      threads = List.copyOf(threads);
    }

    /** All runs, on every thread. */
    public long runs() {
      return threads.stream().mapToLong(t -> t.runs().size()).sum();
    }
  }

  /** One thread's runs, in time order; name is empty when not known. */
  public record ThreadRuns(long threadId, String name, List<Run> runs) {
    public ThreadRuns {
      runs = List.copyOf(runs);
    }

    /** The name a viewer shows: the thread's, or {@code thread <id>} when it has none. */
    public String shownName() {
      String n = name == null ? "" : name.strip();
      return n.isEmpty() ? "thread " + threadId : n;
    }
  }

  /** Samples of one stack (a line of the snippet), one after the other. */
  public record Run(long startMicros, long durationMicros, int stack, long samples) {}

  public static String encode(Timeline timeline) {
    StringBuilder text = new StringBuilder("timeline ").append(VERSION).append(' ');
    text.append(timeline.intervalMicros());
    if (timeline.truncated()) {
      text.append(" truncated");
    }
    text.append('\n');
    for (ThreadRuns t : timeline.threads()) {
      text.append("thread ").append(t.threadId());
      String name = oneLine(t.name());
      if (!name.isEmpty()) {
        text.append(' ').append(name);
      }
      text.append('\n');
      for (Run r : t.runs()) {
        text.append(r.startMicros())
            .append(' ')
            .append(r.durationMicros())
            .append(' ')
            .append(r.stack())
            .append(' ')
            .append(r.samples())
            .append('\n');
      }
    }
    return ProfileSnippetFormat.encode(text);
  }

  /** A thread name as it fits one line. */
  static String oneLine(String name) {
    return name == null ? "" : name.replaceAll("[\\r\\n]+", " ").strip();
  }

  /**
   * The wire form to a timeline whose stacks are lines of a snippet of {@code stacks} lines. Throws
   * {@link ProfileSnippetFormat.Invalid}, with what is wrong, for anything jobtrace would not
   * write.
   */
  public static Timeline decode(String encoded, int stacks) {
    String[] lines = ProfileSnippetFormat.decodeText(encoded, "profile timeline").split("\n");
    String[] header = lines[0].split(" ");
    if (header.length < 3 || !header[0].equals("timeline")) {
      throw new ProfileSnippetFormat.Invalid(
          "profile timeline does not start with \"timeline <version> <interval µs>\"");
    }
    if (!header[1].equals(String.valueOf(VERSION))) {
      throw new ProfileSnippetFormat.Invalid(
          "profile timeline version "
              + header[1]
              + " is not known (this reader knows "
              + VERSION
              + ")");
    }
    long interval = number(header[2], 1, "interval", 1);
    boolean truncated = header.length > 3 && header[3].equals("truncated");
    List<ThreadRuns> threads = new ArrayList<>();
    long threadId = -1;
    String name = "";
    List<Run> runs = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int lineNo = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("thread ")) {
        if (runs != null) {
          threads.add(new ThreadRuns(threadId, name, runs));
        }
        if (threads.size() >= MAX_THREADS) {
          throw new ProfileSnippetFormat.Invalid(
              "profile timeline names more than " + MAX_THREADS + " threads");
        }
        int space = line.indexOf(' ', 7);
        threadId =
            number(
                space < 0 ? line.substring(7) : line.substring(7, space), 0, "thread id", lineNo);
        name = space < 0 ? "" : line.substring(space + 1);
        runs = new ArrayList<>();
        continue;
      }
      if (runs == null) {
        throw new ProfileSnippetFormat.Invalid(
            "profile timeline line " + lineNo + " comes before any \"thread <id>\" line");
      }
      String[] f = line.split(" ");
      if (f.length != 4) {
        throw new ProfileSnippetFormat.Invalid(
            "profile timeline line "
                + lineNo
                + " is not \"<start µs> <duration µs> <stack> <samples>\"");
      }
      long stack = number(f[2], 0, "stack", lineNo);
      if (stack >= stacks) {
        throw new ProfileSnippetFormat.Invalid(
            "profile timeline line "
                + lineNo
                + " names stack "
                + stack
                + ", but the snippet has "
                + stacks
                + " lines");
      }
      runs.add(
          new Run(
              number(f[0], 0, "start", lineNo),
              number(f[1], 0, "duration", lineNo),
              (int) stack,
              number(f[3], 1, "samples", lineNo)));
    }
    if (runs != null) {
      threads.add(new ThreadRuns(threadId, name, runs));
    }
    return new Timeline(interval, truncated, threads);
  }

  private static long number(String text, long min, String what, int lineNo) {
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      n = min - 1;
    }
    if (n < min) {
      throw new ProfileSnippetFormat.Invalid(
          "profile timeline line "
              + lineNo
              + ": "
              + what
              + " is not a number ≥ "
              + min
              + ": "
              + text);
    }
    return n;
  }
}
