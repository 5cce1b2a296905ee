package dev.jobtrace;

import java.util.concurrent.atomic.AtomicBoolean;

/** A "say it once" flag that stays once when several threads reach it at the same moment. */
public final class Once {

  private final AtomicBoolean taken = new AtomicBoolean();

  /** True for the first caller only. */
  public boolean first() {
    return taken.compareAndSet(false, true);
  }
}
