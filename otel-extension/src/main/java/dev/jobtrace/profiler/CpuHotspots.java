package dev.jobtrace.profiler;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.Finding;
import dev.jobtrace.contract.ProfileSnippetFormat;
import dev.jobtrace.contract.SpanContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A job's profile grouped by what its computing samples ran in: a library family (serialization,
 * regular expressions, logging, the ORM, compression, cryptography) or the application's own code.
 * A sample belongs to the innermost known library on its stack, else to the application when an
 * application frame is on it; samples that wait (park, sleep, poll, read a socket) belong to none,
 * since the trace's calls already say what was waited for. A family computing for at least {@link
 * AnalysisSettings#cpuMinShare()} of the job's samples, and at least {@link
 * AnalysisSettings#cpuMin()}, is a {@code cpu_hotspot} finding: {@code 54% of the job computing in
 * Jackson (serialization), 1.6 s, called from InvoiceExportJob.slow}.
 */
public final class CpuHotspots {

  /** Findings of this kind per job at most: the costliest families. */
  static final int MAX = 3;

  static final String APPLICATION = "application code";

  /** Library (as {@link HotFrames#library} names it) to its family. */
  private static final Map<String, String> FAMILY =
      Map.ofEntries(
          Map.entry("Jackson", "serialization"),
          Map.entry("Gson", "serialization"),
          Map.entry("Protobuf", "serialization"),
          Map.entry("SnakeYAML", "serialization"),
          Map.entry("Java serialization", "serialization"),
          Map.entry("XML", "serialization"),
          Map.entry("regex", "regular expressions"),
          Map.entry("logging", "logging"),
          Map.entry("Hibernate", "ORM"),
          Map.entry("jOOQ", "ORM"),
          Map.entry("MyBatis", "ORM"),
          Map.entry("Jdbi", "ORM"),
          Map.entry("zip", "compression"),
          Map.entry("crypto", "cryptography"),
          Map.entry("TLS", "cryptography"));

  /** What usually makes a family cheaper. */
  private static final Map<String, String> FIX =
      Map.of(
          "serialization",
          "serialize less: keep the serialized form and reuse it (serialize once on write, cache"
              + " it), send only the fields needed, stream large documents; reuse one configured"
              + " mapper or writer",
          "regular expressions",
          "compile each pattern once (a static final Pattern) instead of String.matches, split or"
              + " replaceAll per call, and keep patterns free of nested repetition",
          "logging",
          "log less on this path: raise its level, use parameterized messages, and guard costly"
              + " arguments",
          "ORM",
          "load less per unit of work: fetch only the columns needed, clear the persistence"
              + " context between batches, read-only queries for what is not changed",
          "compression",
          "compress once and reuse the result, or at a lower level",
          "cryptography",
          "reuse connections (each TLS handshake costs) and cipher and digest instances");

  private CpuHotspots() {}

  /**
   * The job's {@code cpu_hotspot} findings from its stacks (stack to {count, ...}), sampled every
   * {@code intervalNanos}; costliest first, at most {@link #MAX}.
   */
  public static List<Finding> find(
      Map<String, long[]> stacks, long intervalNanos, HotFrames frames, AnalysisSettings settings) {
    return find(stacks, Set.of(), intervalNanos, frames, settings);
  }

  /**
   * The same, with {@code blocked} the stacks (frames without their types) the job's threads were
   * seen waiting for a lock in: they wait, whatever frame they end in.
   */
  public static List<Finding> find(
      Map<String, long[]> stacks,
      Set<String> blocked,
      long intervalNanos,
      HotFrames frames,
      AnalysisSettings settings) {
    long total = 0;
    Map<String, Group> groups = new HashMap<>();
    for (Map.Entry<String, long[]> e : stacks.entrySet()) {
      long n = e.getValue()[0];
      total += n;
      if (e.getKey().equals(ProfileSnippetFormat.OTHER)) {
        continue;
      }
      String[] stack = e.getKey().split(";");
      for (int i = 0; i < stack.length; i++) {
        stack[i] = ProfileSnippetFormat.withoutTypeSuffix(stack[i]);
      }
      if (HotFrames.waits(stack[stack.length - 1])
          || (!blocked.isEmpty() && blocked.contains(String.join(";", stack)))) {
        continue;
      }
      int library = -1;
      String name = null;
      for (int i = stack.length - 1; i >= 0; i--) {
        String lib = libraryOf(stack[i]);
        if (lib != null) {
          name = lib;
          library = i;
          break;
        }
      }
      int app = -1;
      for (int i = (name == null ? stack.length : library) - 1; i >= 0; i--) {
        if (frames.isApplication(stack[i])) {
          app = i;
          break;
        }
      }
      // Computing in a database driver, an HTTP client or Netty is the I/O the trace's calls
      // already tell; only the families named here are a cost of their own.
      String family;
      if (name != null) {
        family = FAMILY.get(name);
        if (family == null) {
          continue;
        }
      } else if (app >= 0) {
        family = APPLICATION;
        name = ProfileSnippet.shortName(stack[app]);
      } else {
        continue;
      }
      Group g = groups.computeIfAbsent(family, k -> new Group());
      g.samples += n;
      g.libraries.merge(name, n, Long::sum);
      if (app >= 0) {
        g.callers.merge(ProfileSnippet.shortName(stack[app]), n, Long::sum);
      }
    }
    List<Finding> out = new ArrayList<>();
    if (total == 0) {
      return out;
    }
    List<Map.Entry<String, Group>> sorted = new ArrayList<>(groups.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue().samples, a.getValue().samples));
    for (Map.Entry<String, Group> e : sorted) {
      Group g = e.getValue();
      double share = (double) g.samples / total;
      long nanos = g.samples * intervalNanos;
      if (out.size() == MAX || share < settings.cpuMinShare()) {
        break;
      }
      if (nanos < settings.cpuMin().toNanos()) {
        continue;
      }
      out.add(finding(e.getKey(), g, share, nanos));
    }
    return out;
  }

  /** How a finding names the JDK's own libraries. */
  private static final Map<String, String> SHOWN_AS =
      Map.of("regex", "java.util.regex", "zip", "java.util.zip", "crypto", "javax.crypto");

  private static Finding finding(String family, Group g, double share, long nanos) {
    String library = HotFrames.most(g.libraries);
    library = SHOWN_AS.getOrDefault(library, library);
    String caller = g.callers.isEmpty() ? null : HotFrames.most(g.callers);
    String where =
        family.equals(APPLICATION)
            ? "the application's own code, most in " + library
            : family.equals(library) ? library : library + " (" + family + ")";
    String summary =
        Math.round(share * 100)
            + "% of the job computing in "
            + where
            + ", "
            + String.format(Locale.ROOT, "%.1f s", nanos / 1e9)
            + (caller != null && !family.equals(APPLICATION) ? ", called from " + caller : "");
    String statement = family.equals(APPLICATION) ? APPLICATION + ": " + library : where;
    return new Finding(
        SpanContract.FINDING_KIND_CPU_HOTSPOT,
        summary,
        g.samples,
        nanos / 1_000_000,
        0,
        statement,
        FIX.get(family),
        caller);
  }

  /** The library a frame belongs to, with the JDK's serializers that {@link HotFrames} leaves. */
  static String libraryOf(String frame) {
    String library = HotFrames.library(frame);
    if (library != null) {
      return library;
    }
    if (frame.startsWith("java.io.ObjectOutputStream.")
        || frame.startsWith("java.io.ObjectInputStream.")) {
      return "Java serialization";
    }
    if (frame.startsWith("javax.xml.")
        || frame.startsWith("com.sun.org.apache.xerces.")
        || frame.startsWith("com.sun.org.apache.xalan.")) {
      return "XML";
    }
    return null;
  }

  private static final class Group {
    long samples;
    final Map<String, Long> libraries = new HashMap<>();
    final Map<String, Long> callers = new HashMap<>();
  }
}
