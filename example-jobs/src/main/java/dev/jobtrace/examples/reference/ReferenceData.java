package dev.jobtrace.examples.reference;

import dev.jobtrace.examples.Backends;

/** Currency rates every statement line is priced with; kept in Redis, about 40 KB. */
public final class ReferenceData {

  public static final String KEY = "reference-data:fx-rates";

  private ReferenceData() {}

  /** Idempotent: writes the rates only when they are missing. */
  public static void seed() {
    if (Backends.redis().exists(KEY) == 0) {
      StringBuilder rates = new StringBuilder();
      for (int i = 0; i < 2000; i++) {
        rates.append("PAIR").append(i).append("=1.").append(1000 + i).append(';');
      }
      Backends.redis().set(KEY, rates.toString());
    }
  }

  public static String fetch() {
    return Backends.redis().get(KEY);
  }
}
