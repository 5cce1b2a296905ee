package dev.jobtrace.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job methods named in {@code otel.jobtrace.jobs}: {@code pkg.Class[m1,m2];pkg.Other[run]}.
 * Malformed entries are kept aside so that one log line can name them while the valid ones apply.
 */
public final class JobMethods {

  private static final String IDENTIFIER =
      "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*";
  private static final Pattern ENTRY =
      Pattern.compile(
          "\\s*("
              + IDENTIFIER
              + "(?:[.$]"
              + IDENTIFIER
              + ")*)\\s*\\[\\s*("
              + IDENTIFIER
              + "(?:\\s*,\\s*"
              + IDENTIFIER
              + ")*)\\s*]\\s*");

  private final Map<String, Set<String>> methodsByClass;
  private final List<String> rejected;

  private JobMethods(Map<String, Set<String>> methodsByClass, List<String> rejected) {
    this.methodsByClass = methodsByClass;
    this.rejected = rejected;
  }

  public static JobMethods none() {
    return new JobMethods(Collections.emptyMap(), Collections.emptyList());
  }

  public static JobMethods parse(String value) {
    Map<String, Set<String>> methods = new LinkedHashMap<>();
    List<String> rejected = new ArrayList<>();
    if (value == null) {
      return new JobMethods(methods, rejected);
    }
    for (String entry : value.split(";", -1)) {
      if (entry.isBlank()) {
        continue;
      }
      Matcher m = ENTRY.matcher(entry);
      if (!m.matches()) {
        rejected.add(entry.trim());
        continue;
      }
      Set<String> names = methods.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
      for (String method : m.group(2).split(",")) {
        names.add(method.trim());
      }
    }
    return new JobMethods(
        Collections.unmodifiableMap(methods), Collections.unmodifiableList(rejected));
  }

  public boolean isEmpty() {
    return methodsByClass.isEmpty();
  }

  public boolean contains(String className, String method) {
    Set<String> methods = methodsByClass.get(className);
    return methods != null && methods.contains(method);
  }

  /** Entries that did not parse, as the user wrote them. */
  public List<String> rejected() {
    return rejected;
  }

  /** The valid entries, in the syntax the upstream agent's method instrumentation reads. */
  public String toMethodsInclude() {
    StringBuilder out = new StringBuilder();
    methodsByClass.forEach(
        (cls, methods) -> {
          if (out.length() > 0) {
            out.append(';');
          }
          out.append(cls).append('[').append(String.join(",", methods)).append(']');
        });
    return out.toString();
  }
}
