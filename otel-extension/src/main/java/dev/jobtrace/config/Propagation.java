package dev.jobtrace.config;

import java.util.Locale;

/** How a job run relates to the trace that enqueued it. */
public enum Propagation {
  /** The job span is a child of the enqueuing span: one trace from request to job. */
  CHILD,
  /**
   * The job span starts its own trace and links to the enqueuing span; jobs may run hours later.
   */
  LINK,
  /** The job span starts its own trace with no reference to the enqueuer. */
  NONE;

  /** Null when the value names no mode. */
  public static Propagation parse(String value) {
    if (value == null) {
      return null;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
