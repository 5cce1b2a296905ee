package dev.jobtrace.linker;

/** {@code java -jar profiler-linker.jar --jaeger-url URL --host HOST --port PORT} */
public final class LinkerMain {
  private LinkerMain() {}

  public static void main(String[] args) throws Exception {
    LinkerOptions options;
    try {
      options = LinkerOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("profiler-linker: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.print(LinkerOptions.HELP);
      return;
    }
    LinkerServer server = new LinkerServer(options);
    System.out.println(
        "profiler-linker listening on http://"
            + options.host
            + ":"
            + server.port()
            + "/ reading Jaeger at "
            + options.jaegerUrl);
  }
}
