package dev.jobtrace.linker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.ProfileTimelineFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.convert.Arguments;
import one.convert.FlameGraph;

/** A snippet as an interactive flame graph (async-profiler's converter) and as speedscope JSON. */
final class FlameGraphs {
  private FlameGraphs() {}

  static byte[] html(Snippet snippet, String title) {
    Arguments args = new Arguments();
    args.title = Html.text(title);
    FlameGraph graph = new FlameGraph(args);
    try {
      graph.parseCollapsed(new StringReader(snippet.folded()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      graph.dump(out);
      String page = scriptSafe(out.toString(StandardCharsets.UTF_8));
      if (page == null) {
        // A converter whose page this does not know: frame names with look-alike brackets, which
        // cannot close the script element.
        graph = new FlameGraph(args);
        graph.parseCollapsed(
            new StringReader(snippet.folded().replace('<', '\uFF1C').replace('>', '\uFF1E')));
        out.reset();
        graph.dump(out);
        return out.toByteArray();
      }
      return page.getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String FRAMES_START = "const cpool = [\n";
  private static final String FRAMES_END = "\n];";

  /**
   * The converter writes frame names as single-quoted JavaScript strings (escaping quotes and
   * backslashes) inside a script element, where a name such as {@code </script>} would end the
   * element. Every {@code <} in those strings becomes the escape {@code \x3C}: the same string to
   * the script, so {@code <init>} shows and is found as itself, but never markup. Null when the
   * page has no frame list where this converter puts it.
   */
  static String scriptSafe(String page) {
    int start = page.indexOf(FRAMES_START);
    int end = start < 0 ? -1 : page.indexOf(FRAMES_END, start);
    if (end < 0) {
      return null;
    }
    return page.substring(0, start)
        + page.substring(start, end).replace("<", "\\x3C")
        + page.substring(end);
  }

  /**
   * The speedscope file format, which speedscope.app opens. With the span's timeline, one "evented"
   * profile per thread, its stacks in the order they were sampled, so speedscope's Time Order view
   * is the span's stack chart; without, one "sampled" profile of every stack with its weight.
   */
  static byte[] speedscope(Snippet snippet, String name) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("$schema", "https://www.speedscope.app/file-format-schema.json");
    root.put("name", name);
    root.put("exporter", "jobtrace profiler-linker");
    ArrayNode frames = root.putObject("shared").putArray("frames");
    Map<String, Integer> index = new HashMap<>();
    ArrayNode profiles = root.putArray("profiles");
    if (snippet.timeline() != null) {
      List<int[]> lineFrames = new ArrayList<>();
      for (String stack : snippet.lines()) {
        lineFrames.add(frameIds(stack, index, frames));
      }
      for (ProfileTimelineFormat.ThreadRuns thread : snippet.timeline().threads()) {
        evented(profiles.addObject(), thread, lineFrames);
      }
    } else {
      ObjectNode profile = profiles.addObject();
      profile.put("type", "sampled");
      profile.put("name", name);
      profile.put("unit", "none");
      profile.put("startValue", 0);
      profile.put("endValue", snippet.samples());
      ArrayNode samples = profile.putArray("samples");
      ArrayNode weights = profile.putArray("weights");
      snippet
          .stacks()
          .forEach(
              (stack, count) -> {
                ArrayNode sample = samples.addArray();
                for (int i : frameIds(stack, index, frames)) {
                  sample.add(i);
                }
                weights.add(count);
              });
    }
    try {
      return json.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folded stack's frames, root first, as indexes of speedscope's shared frames. */
  private static int[] frameIds(String stack, Map<String, Integer> index, ArrayNode frames) {
    String[] names = stack.split(";");
    int[] ids = new int[names.length];
    for (int f = 0; f < names.length; f++) {
      String frame = ProfileSnippetFormat.withoutTypeSuffix(names[f]);
      Integer i = index.get(frame);
      if (i == null) {
        i = index.size();
        index.put(frame, i);
        frames.addObject().put("name", frame);
      }
      ids[f] = i;
    }
    return ids;
  }

  /**
   * One thread's runs as open and close events, in microseconds from the span's start: between two
   * runs only the frames that differ close and open, and where the thread did not work for the span
   * every frame closes.
   */
  private static void evented(
      ObjectNode profile, ProfileTimelineFormat.ThreadRuns thread, List<int[]> lineFrames) {
    profile.put("type", "evented");
    profile.put("name", thread.shownName());
    profile.put("unit", "microseconds");
    ArrayNode events = profile.putArray("events");
    int[] open = new int[0];
    long end = 0;
    long first = -1;
    for (ProfileTimelineFormat.Run run : thread.runs()) {
      long at = Math.max(run.startMicros(), end);
      if (first < 0) {
        first = at;
      }
      int[] stack = lineFrames.get(run.stack());
      int shared = 0;
      if (at <= end) {
        while (shared < open.length && shared < stack.length && open[shared] == stack[shared]) {
          shared++;
        }
      }
      long closeAt = at <= end ? at : end;
      for (int d = open.length - 1; d >= shared; d--) {
        events.addObject().put("type", "C").put("frame", open[d]).put("at", closeAt);
      }
      for (int d = shared; d < stack.length; d++) {
        events.addObject().put("type", "O").put("frame", stack[d]).put("at", at);
      }
      open = stack;
      end = Math.max(end, at + run.durationMicros());
    }
    for (int d = open.length - 1; d >= 0; d--) {
      events.addObject().put("type", "C").put("frame", open[d]).put("at", end);
    }
    profile.put("startValue", Math.max(0, first));
    profile.put("endValue", end);
  }
}
