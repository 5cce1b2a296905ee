package dev.jobtrace;

/**
 * Lets the tests make jobtrace's own processing fail, to prove that a failure inside jobtrace never
 * reaches the application. Set {@code -Djobtrace.internal.fault=jobrunr,processor}; unset in use.
 */
public final class FaultInjection {

  private static final String PROPERTY = "jobtrace.internal.fault";
  private static final String FAULTS = System.getProperty(PROPERTY, "");

  private FaultInjection() {}

  public static void at(String point) {
    if (!FAULTS.isEmpty() && FAULTS.contains(point)) {
      throw new IllegalStateException("jobtrace fault injected at " + point);
    }
  }
}
