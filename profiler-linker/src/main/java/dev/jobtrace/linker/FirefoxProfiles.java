package dev.jobtrace.linker;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.ProfileTimelineFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A span's timeline as a profile in the Firefox Profiler's Gecko profile format, the JSON that
 * Firefox itself emits and that profiler.firefox.com opens from a file or from a URL ({@code
 * /from-url/...}).
 *
 * <p>The file is of {@link #GECKO_VERSION}, the Gecko format version the Firefox Profiler reads as
 * its own (it upgrades older ones and refuses newer ones). It holds one process (named for the
 * span) with one thread per thread of the timeline, each a track of its own: for each run, its
 * samples evenly spaced within the run, each on the run's stack. Times are milliseconds from the
 * span's start, which is the profile's {@code meta.startTime}. Frames are categorised by their
 * async-profiler type suffix: Java (interpreted, C1 compiled, JIT compiled, inlined), Native,
 * Kernel, and Other for the {@link ProfileSnippetFormat#OTHER} line.
 *
 * <p>The Firefox Profiler shows a thread's track at first only when it has at least 5% of the
 * busiest thread's samples (and at most 15 at first); the others are listed, hidden, in its track
 * menu.
 */
final class FirefoxProfiles {
  private FirefoxProfiles() {}

  /** The Gecko profile format version written (the Firefox Profiler's GECKO_PROFILE_VERSION). */
  static final int GECKO_VERSION = 36;

  /** Samples written at most, over all threads; a timeline claiming more is cut there. */
  static final long MAX_SAMPLES = 1 << 21;

  /** The name of the one empty thread of a timeline with no thread, which the profiler needs. */
  static final String NO_THREAD = "no samples";

  // meta.categories: the index of each, and of each Java subcategory.
  static final int OTHER = 0;
  static final int JAVA = 1;
  static final int NATIVE = 2;
  static final int KERNEL = 3;
  static final int JAVA_INTERPRETED = 1;
  static final int JAVA_C1 = 2;
  static final int JAVA_JIT = 3;
  static final int JAVA_INLINED = 4;

  /** A frame without a type suffix that reads as a Java method: {@code pkg.Class.method}. */
  private static final Pattern JAVA_NAME =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(?:[./][\\p{L}\\p{N}_$<>-]+)+");

  /** A shared library, as native frames without a symbol are named. */
  private static final Pattern LIBRARY = Pattern.compile(".*\\.so(?:\\.[0-9]+)*");

  /**
   * The profile of a span's timeline.
   *
   * @param stacks the snippet's folded stacks, line by line: root first, {@code ;}-separated
   * @param timeline the span's timeline, whose runs name lines of {@code stacks}
   * @param name the span's name, for the product and the process
   * @param spanStartEpochMillis the span's start, milliseconds since the epoch
   */
  static byte[] gecko(
      List<String> stacks,
      ProfileTimelineFormat.Timeline timeline,
      String name,
      long spanStartEpochMillis) {
    String title = name == null ? "" : name;
    long endMicros = 0;
    for (ProfileTimelineFormat.ThreadRuns thread : timeline.threads()) {
      for (ProfileTimelineFormat.Run run : thread.runs()) {
        endMicros = Math.max(endMicros, run.startMicros() + run.durationMicros());
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator out = new ObjectMapper().createGenerator(bytes, JsonEncoding.UTF8)) {
      out.writeStartObject();
      writeMeta(out, timeline, title, spanStartEpochMillis, endMicros);
      out.writeArrayFieldStart("libs");
      out.writeEndArray();
      out.writeArrayFieldStart("pages");
      out.writeEndArray();
      writeSources(out);
      out.writeArrayFieldStart("threads");
      long budget = MAX_SAMPLES;
      String process = title.isEmpty() ? "jobtrace" : title;
      if (timeline.threads().isEmpty()) {
        new ThreadWriter(stacks).write(out, 0, NO_THREAD, process, List.of(), 0);
      }
      for (ProfileTimelineFormat.ThreadRuns thread : timeline.threads()) {
        budget -=
            new ThreadWriter(stacks)
                .write(out, thread.threadId(), thread.shownName(), process, thread.runs(), budget);
      }
      out.writeEndArray();
      out.writeArrayFieldStart("pausedRanges");
      out.writeEndArray();
      out.writeArrayFieldStart("processes");
      out.writeEndArray();
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeMeta(
      JsonGenerator out,
      ProfileTimelineFormat.Timeline timeline,
      String name,
      long startEpochMillis,
      long endMicros)
      throws IOException {
    out.writeObjectFieldStart("meta");
    out.writeNumberField("version", GECKO_VERSION);
    out.writeNumberField("interval", timeline.intervalMicros() / 1000.0);
    out.writeNumberField("startTime", startEpochMillis);
    out.writeNullField("shutdownTime");
    if (endMicros > 0) {
      // The span, from its start to its last run's end, is the profile's whole range.
      out.writeNumberField("profilingStartTime", 0);
      out.writeNumberField("profilingEndTime", millis(endMicros));
    }
    // GeckoProcessType_Default: the profile's (only) process is the parent process.
    out.writeNumberField("processType", 0);
    out.writeStringField("product", "jobtrace " + name);
    out.writeNumberField("stackwalk", 1);
    out.writeNumberField("debug", 0);
    out.writeNumberField("gcpoison", 0);
    out.writeNumberField("asyncstack", 0);
    // The frames are names already: nothing to look up on a symbol server.
    out.writeBooleanField("presymbolicated", true);
    out.writeArrayFieldStart("categories");
    // The profiler needs a grey category, its default; and every category's subcategory 0 is
    // "Other", the category itself.
    category(out, "Other", "grey");
    category(out, "Java", "yellow", "Interpreted", "C1 compiled", "JIT compiled", "Inlined");
    category(out, "Native", "blue");
    category(out, "Kernel", "orange");
    out.writeEndArray();
    out.writeArrayFieldStart("markerSchema");
    out.writeEndArray();
    out.writeEndObject();
  }

  private static void category(JsonGenerator out, String name, String color, String... more)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("name", name);
    out.writeStringField("color", color);
    out.writeArrayFieldStart("subcategories");
    out.writeString("Other");
    for (String sub : more) {
      out.writeString(sub);
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  /** The sources table (of JavaScript sources), which the format needs even when empty. */
  private static void writeSources(JsonGenerator out) throws IOException {
    startTable(out, "sources", "id", "filename", "startLine", "startColumn", "sourceMapURL");
    out.writeEndArray();
    out.writeEndObject();
  }

  /**
   * Starts a table in the format's form: {@code name: {schema: {column: index, ...}, data: [}; the
   * caller writes the rows, then ends the array and the object.
   */
  private static void startTable(JsonGenerator out, String name, String... columns)
      throws IOException {
    out.writeObjectFieldStart(name);
    out.writeObjectFieldStart("schema");
    for (int i = 0; i < columns.length; i++) {
      out.writeNumberField(columns[i], i);
    }
    out.writeEndObject();
    out.writeArrayFieldStart("data");
  }

  /** Microseconds as milliseconds, to the nanosecond. */
  private static double millis(double micros) {
    return Math.round(micros * 1000) / 1_000_000.0;
  }

  /** A category and subcategory for a frame as folded, type suffix and all. */
  static int[] categoryOf(String frame) {
    if (frame.endsWith("_[j]")) {
      return new int[] {JAVA, JAVA_JIT};
    }
    if (frame.endsWith("_[i]")) {
      return new int[] {JAVA, JAVA_INLINED};
    }
    if (frame.endsWith("_[0]")) {
      return new int[] {JAVA, JAVA_INTERPRETED};
    }
    if (frame.endsWith("_[1]")) {
      return new int[] {JAVA, JAVA_C1};
    }
    if (frame.endsWith("_[k]")) {
      return new int[] {KERNEL, 0};
    }
    String bare = ProfileSnippetFormat.withoutTypeSuffix(frame);
    boolean cpp = bare.contains("::") || bare.startsWith("-[") || bare.startsWith("+[");
    if (!cpp && JAVA_NAME.matcher(bare).matches() && !LIBRARY.matcher(bare).matches()) {
      return new int[] {JAVA, 0};
    }
    return new int[] {NATIVE, 0};
  }

  /** One thread's tables, holding only the stacks its runs name. */
  private static final class ThreadWriter {
    private final List<String> lines;
    private final List<String> strings = new ArrayList<>();
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private final List<int[]> frames = new ArrayList<>(); // location, category, subcategory
    private final Map<String, Integer> frameIndex = new HashMap<>();
    private final List<int[]> stackTable = new ArrayList<>(); // prefix (-1: none), frame
    private final Map<Long, Integer> stackIndex = new HashMap<>();
    private final Map<Integer, Integer> lineStacks = new HashMap<>();

    ThreadWriter(List<String> lines) {
      this.lines = lines;
    }

    /** Writes the thread; returns the samples written, at most {@code budget}. */
    long write(
        JsonGenerator out,
        long tid,
        String name,
        String process,
        List<ProfileTimelineFormat.Run> runs,
        long budget)
        throws IOException {
      out.writeStartObject();
      out.writeStringField("name", name);
      out.writeStringField("processType", "default");
      out.writeStringField("processName", process);
      out.writeNumberField("pid", 0);
      out.writeNumberField("tid", tid);
      out.writeNumberField("registerTime", 0);
      out.writeNullField("unregisterTime");

      startTable(out, "markers", "name", "startTime", "endTime", "phase", "category", "data");
      out.writeEndArray();
      out.writeEndObject();

      long written = 0;
      startTable(out, "samples", "stack", "time", "eventDelay");
      double last = 0;
      for (ProfileTimelineFormat.Run run : runs) {
        Integer stack = stackOfLine(run.stack());
        double step = run.durationMicros() / (double) run.samples();
        for (long k = 0; k < run.samples() && written < budget; k++, written++) {
          // Times never go back, whatever the runs say: the profiler needs samples in order.
          double time = Math.max(last, millis(run.startMicros() + k * step));
          last = time;
          out.writeStartArray();
          if (stack == null) {
            out.writeNull();
          } else {
            out.writeNumber(stack);
          }
          out.writeNumber(time);
          out.writeNumber(0);
          out.writeEndArray();
        }
      }
      out.writeEndArray();
      out.writeEndObject();

      startTable(
          out,
          "frameTable",
          "location",
          "relevantForJS",
          "innerWindowID",
          "implementation",
          "line",
          "column",
          "category",
          "subcategory");
      for (int[] frame : frames) {
        out.writeStartArray();
        out.writeNumber(frame[0]);
        out.writeBoolean(false);
        out.writeNull();
        out.writeNull();
        out.writeNull();
        out.writeNull();
        out.writeNumber(frame[1]);
        out.writeNumber(frame[2]);
        out.writeEndArray();
      }
      out.writeEndArray();
      out.writeEndObject();

      startTable(out, "stackTable", "prefix", "frame");
      for (int[] stack : stackTable) {
        out.writeStartArray();
        if (stack[0] < 0) {
          out.writeNull();
        } else {
          out.writeNumber(stack[0]);
        }
        out.writeNumber(stack[1]);
        out.writeEndArray();
      }
      out.writeEndArray();
      out.writeEndObject();

      out.writeArrayFieldStart("stringTable");
      for (String s : strings) {
        out.writeString(s);
      }
      out.writeEndArray();
      out.writeEndObject();
      return written;
    }

    /** The stack-table index of a snippet line's leaf; null for an empty line. */
    private Integer stackOfLine(int line) {
      if (lineStacks.containsKey(line)) {
        return lineStacks.get(line);
      }
      String folded = line >= 0 && line < lines.size() ? lines.get(line) : "";
      Integer stack = null;
      if (folded.equals(ProfileSnippetFormat.OTHER)) {
        stack = stack(-1, frame(folded, OTHER, 0));
      } else if (!folded.isEmpty()) {
        int prefix = -1;
        for (String f : folded.split(";")) {
          int[] category = categoryOf(f);
          prefix = stack(prefix, frame(f, category[0], category[1]));
        }
        stack = prefix;
      }
      lineStacks.put(line, stack);
      return stack;
    }

    private int frame(String folded, int category, int subcategory) {
      String key = category + " " + subcategory + " " + folded;
      Integer i = frameIndex.get(key);
      if (i == null) {
        i = frames.size();
        frames.add(
            new int[] {
              string(ProfileSnippetFormat.withoutTypeSuffix(folded)), category, subcategory
            });
        frameIndex.put(key, i);
      }
      return i;
    }

    private int stack(int prefix, int frame) {
      long key = ((long) prefix << 32) | (frame & 0xffffffffL);
      Integer i = stackIndex.get(key);
      if (i == null) {
        i = stackTable.size();
        stackTable.add(new int[] {prefix, frame});
        stackIndex.put(key, i);
      }
      return i;
    }

    private int string(String s) {
      Integer i = stringIndex.get(s);
      if (i == null) {
        i = strings.size();
        strings.add(s);
        stringIndex.put(s, i);
      }
      return i;
    }
  }
}
