package dev.jobtrace.it.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Jobs whose computing time goes to one library family, each with a fixed variant that does not:
 * serialization (Jackson), regular expressions, the application's own arithmetic, and a job that
 * only waits.
 */
public final class CpuJobsApp {

  static volatile long sink;
  static final ObjectMapper JSON = new ObjectMapper();

  /** A nested document; bigger for bigger ids. */
  public static final class Document {
    public long id;
    public List<Line> lines = new ArrayList<>();

    public static final class Line {
      public String sku;
      public double price;
      public List<String> tags = new ArrayList<>();
    }

    static Document of(long id) {
      Document d = new Document();
      d.id = id;
      for (int l = 0; l < 20 + id % 20; l++) {
        Line line = new Line();
        line.sku = "SKU-" + (id * 31 + l);
        line.price = 10.5 + l;
        for (int t = 0; t < 5; t++) {
          line.tags.add("tag-" + t + "-" + l);
        }
        d.lines.add(line);
      }
      return d;
    }
  }

  /** Serializes every document on each pass, for about {@code millis}. */
  public static final class ExportJob {
    public void slow() throws Exception {
      long end = System.nanoTime() + 2_000_000_000L;
      long bytes = 0;
      for (long id = 1; System.nanoTime() < end; id++) {
        bytes += JSON.writeValueAsBytes(Document.of(id % 500)).length;
      }
      sink = bytes;
    }

    /** The documents serialized once; each pass sends the same bytes. */
    public void fixed() throws Exception {
      List<byte[]> stored = new ArrayList<>();
      for (long id = 0; id < 50; id++) {
        stored.add(JSON.writeValueAsBytes(Document.of(id)));
      }
      long bytes = 0;
      long end = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < end) {
        for (byte[] b : stored) {
          bytes += b.length;
        }
        Thread.sleep(1);
      }
      sink = bytes;
    }
  }

  /** Validates record codes with String.matches, which compiles the pattern on every call. */
  public static final class ValidateJob {
    static final Pattern CODE = Pattern.compile("[A-Z]{3}-\\d{4}-[a-z]+");

    public void slow() {
      long end = System.nanoTime() + 2_000_000_000L;
      long valid = 0;
      for (int i = 0; System.nanoTime() < end; i++) {
        if (("ABC-" + (1000 + i % 9000) + "-code").matches("([A-Z]+)+-\\d{4}-[a-z]+(x|y|z|code)")) {
          valid++;
        }
      }
      sink = valid;
    }

    /** One check per record against precomputed codes; the pattern never runs in the loop. */
    public void fixed() throws InterruptedException {
      long end = System.nanoTime() + 1_500_000_000L;
      long valid = 0;
      for (int i = 0; System.nanoTime() < end; i++) {
        valid += (i % 9000) >= 0 ? 1 : 0;
        if (i % 10_000 == 0) {
          Thread.sleep(5);
        }
      }
      sink = valid + (CODE.matcher("ABC-1234-code").matches() ? 1 : 0);
    }
  }

  /** The application's own arithmetic, no library. */
  public static final class ScoreJob {
    public void run() {
      long end = System.nanoTime() + 2_000_000_000L;
      double x = 0;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 1000; i++) {
          x += Math.sqrt(x + i);
        }
      }
      sink = (long) x;
    }
  }

  /** Only waits: nothing computes. */
  public static final class WaitJob {
    public void run() throws InterruptedException {
      Thread.sleep(2_000);
    }
  }

  public static void main(String[] args) throws Exception {
    for (String job : args) {
      switch (job) {
        case "export-slow":
          new ExportJob().slow();
          break;
        case "export-fixed":
          new ExportJob().fixed();
          break;
        case "validate-slow":
          new ValidateJob().slow();
          break;
        case "validate-fixed":
          new ValidateJob().fixed();
          break;
        case "score":
          new ScoreJob().run();
          break;
        case "wait":
          new WaitJob().run();
          break;
        default:
          throw new IllegalArgumentException(job);
      }
    }
    System.out.println("done");
    System.exit(0);
  }
}
