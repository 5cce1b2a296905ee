package dev.jobtrace.linker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobtrace.contract.ProfileSnippetFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

  /** The speedscope file format ("sampled" profile), which speedscope.app opens. */
  static byte[] speedscope(Snippet snippet, String name) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("$schema", "https://www.speedscope.app/file-format-schema.json");
    root.put("name", name);
    root.put("exporter", "jobtrace profiler-linker");
    ArrayNode frames = root.putObject("shared").putArray("frames");
    Map<String, Integer> index = new HashMap<>();
    ObjectNode profile = root.putArray("profiles").addObject();
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
              for (String frame : stack.split(";")) {
                frame = ProfileSnippetFormat.withoutTypeSuffix(frame);
                Integer i = index.get(frame);
                if (i == null) {
                  i = index.size();
                  index.put(frame, i);
                  frames.addObject().put("name", frame);
                }
                sample.add(i);
              }
              weights.add(count);
            });
    try {
      return json.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
