package dev.jobtrace.linker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
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
      graph.parseCollapsed(new StringReader(scriptSafe(snippet.folded())));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      graph.dump(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The converter puts frame names in JavaScript strings inside a script element; angle brackets
   * become look-alikes so that no frame name can close the element.
   */
  static String scriptSafe(String folded) {
    return folded.replace('<', '\uFF1C').replace('>', '\uFF1E');
  }

  /** Drops async-profiler's frame-type annotation ({@code _[j]}, {@code _[i]}, ...). */
  static String withoutTypeSuffix(String frame) {
    int n = frame.length();
    return n > 4 && frame.charAt(n - 1) == ']' && frame.startsWith("_[", n - 4) ? frame.substring(0, n - 4) : frame;
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
    profile.put("endValue", snippet.samples);
    ArrayNode samples = profile.putArray("samples");
    ArrayNode weights = profile.putArray("weights");
    snippet.stacks.forEach(
        (stack, count) -> {
          ArrayNode sample = samples.addArray();
          for (String frame : stack.split(";")) {
            frame = withoutTypeSuffix(frame);
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
