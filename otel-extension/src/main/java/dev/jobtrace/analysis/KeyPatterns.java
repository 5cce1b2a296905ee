package dev.jobtrace.analysis;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Users' own id patterns for Redis keys ({@code otel.jobtrace.shape.redis-ids}): a key segment that
 * one of them matches whole is an id, beside the ids jobtrace recognizes by itself. Each thread
 * keeps one matcher per pattern and resets it per segment, so shaping allocates no matcher per
 * call.
 */
public final class KeyPatterns {

  public static final KeyPatterns NONE = new KeyPatterns(List.of());

  private final List<Pattern> patterns;
  private final ThreadLocal<Matcher[]> matchers;

  public KeyPatterns(List<Pattern> patterns) {
    this.patterns = List.copyOf(patterns);
    this.matchers =
        ThreadLocal.withInitial(
            () -> {
              Matcher[] m = new Matcher[this.patterns.size()];
              for (int i = 0; i < m.length; i++) {
                m[i] = this.patterns.get(i).matcher("");
              }
              return m;
            });
  }

  public boolean isEmpty() {
    return patterns.isEmpty();
  }

  /** Whether one of the patterns matches all of {@code key[from, to)}. */
  boolean matches(String key, int from, int to) {
    if (patterns.isEmpty()) {
      return false;
    }
    for (Matcher m : matchers.get()) {
      m.reset(key);
      m.region(from, to);
      if (m.matches()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
