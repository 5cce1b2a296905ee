package dev.jobtrace;

/** The running Java's feature version, readable on any JVM the agent starts on (Java 8+). */
public final class JavaVersion {

  private JavaVersion() {}

  public static int feature() {
    String spec = System.getProperty("java.specification.version", "0");
    try {
      return Integer.parseInt(spec.startsWith("1.") ? spec.substring(2) : spec);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** jobtrace's own code is built for Java 17. */
  public static boolean supported() {
    return feature() >= 17;
  }
}
