package dev.jobtrace.profiler;

import dev.jobtrace.contract.ProfileSnippetFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hot-frames line of a span's profile: the application frames the samples were under, by share,
 * each with the library it was waiting or running in, e.g. {@code ReferenceData.fetch 75% (waiting
 * in Lettuce), StatementLineBuilder.build 12%}. A stack's application frame is its frame nearest
 * the leaf that is not the JDK's, a known library's or a framework's (or, when application packages
 * are configured, the nearest frame in one of them); what it waits in is the innermost known
 * library below it, else the JDK method it called. Where the JDK parks, polls or sleeps says
 * nothing a reader can act on; the frame above it that asked for the wait does.
 */
public final class HotFrames {

  /** Entries in the line. */
  static final int MAX_ENTRIES = 5;

  /** Package prefix to the name a reader knows the library by; the longest prefix wins. */
  private static final String[][] LIBRARIES = {
    {"io.lettuce.", "Lettuce"},
    {"io.netty.", "Netty"},
    {"redis.clients.", "Jedis"},
    {"org.redisson.", "Redisson"},
    {"org.postgresql.", "PostgreSQL JDBC"},
    {"com.mysql.", "MySQL JDBC"},
    {"org.mariadb.", "MariaDB JDBC"},
    {"oracle.jdbc.", "Oracle JDBC"},
    {"com.microsoft.sqlserver.", "SQL Server JDBC"},
    {"org.h2.", "H2"},
    {"com.zaxxer.hikari.", "HikariCP"},
    {"org.hibernate.", "Hibernate"},
    {"org.jooq.", "jOOQ"},
    {"org.jdbi.", "Jdbi"},
    {"org.mybatis.", "MyBatis"},
    {"org.apache.ibatis.", "MyBatis"},
    {"com.mongodb.", "MongoDB driver"},
    {"java.net.http.", "HttpClient"},
    {"jdk.internal.net.http.", "HttpClient"},
    {"sun.net.www.", "HttpURLConnection"},
    {"okhttp3.", "OkHttp"},
    {"org.apache.http.", "Apache HttpClient"},
    {"org.apache.hc.", "Apache HttpClient"},
    {"org.springframework.web.client.", "RestTemplate"},
    {"org.springframework.web.reactive.", "WebClient"},
    {"io.grpc.", "gRPC"},
    {"software.amazon.awssdk.", "AWS SDK"},
    {"com.amazonaws.", "AWS SDK"},
    {"com.fasterxml.jackson.", "Jackson"},
    {"com.google.gson.", "Gson"},
    {"com.google.protobuf.", "Protobuf"},
    {"org.yaml.snakeyaml.", "SnakeYAML"},
    {"java.util.regex.", "regex"},
    {"java.util.zip.", "zip"},
    {"javax.crypto.", "crypto"},
    {"sun.security.", "TLS"},
    {"org.slf4j.", "logging"},
    {"ch.qos.logback.", "logging"},
    {"org.apache.logging.log4j.", "logging"},
    {"java.util.logging.", "logging"},
    {"org.jobrunr.", "JobRunr"},
    {"org.quartz.", "Quartz"},
    {"org.springframework.", "Spring"},
    {"com.github.benmanes.caffeine.", "Caffeine"},
  };

  /** Code that is neither the application nor a library a reader would name. */
  private static final String[] PLATFORM = {
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "groovy.",
    "org.codehaus.groovy.",
    "io.opentelemetry.",
    "net.bytebuddy.",
    "org.objectweb.asm.",
    "codes.rafael.",
    "org.aspectj.",
    // jobtrace's own classes (its context-storage wrapper shows on application stacks)
    "dev.jobtrace.tracking.",
    "dev.jobtrace.profiler.",
    "dev.jobtrace.export.",
    "dev.jobtrace.job.",
    "dev.jobtrace.analysis.",
    "dev.jobtrace.config.",
    "dev.jobtrace.vthreads.",
    "dev.jobtrace.bootstrap.",
    "dev.jobtrace.JobtraceSetup.",
    "reactor.",
    "io.reactivex.",
    "io.micrometer.",
    "org.apache.",
    "com.google.",
    "jakarta.",
    "org.eclipse.",
    "io.undertow.",
    "org.glassfish.",
    "io.vertx.",
    "com.squareup.",
    "org.junit.",
  };

  /** Leaf frames that wait (for a lock, a queue, a socket, a timer) rather than compute. */
  private static final String[] WAITING_LEAVES = {
    "jdk.internal.misc.Unsafe.park",
    "sun.misc.Unsafe.park",
    "java.lang.Object.wait",
    "java.lang.Thread.sleep",
    "java.lang.Thread.yield",
    "java.lang.VirtualThread.park",
    "java.lang.VirtualThread.parkNanos",
    "jdk.internal.vm.Continuation.yield",
    "sun.nio.ch.Net.poll",
    "sun.nio.ch.Net.accept",
    "sun.nio.ch.Net.connect",
    "sun.nio.ch.EPoll.wait",
    "sun.nio.ch.SocketDispatcher.read",
    "sun.nio.ch.NioSocketImpl.park",
    "sun.nio.ch.NioSocketImpl.timedRead",
    "java.net.SocketInputStream.socketRead",
    "sun.nio.ch.FileDispatcherImpl.read",
    "sun.nio.ch.IOUtil.read",
  };

  private final List<String> appPackages;

  /**
   * {@code appPackages}: prefixes of the application's own packages; empty to tell by exclusion.
   */
  public HotFrames(List<String> appPackages) {
    this.appPackages = appPackages;
  }

  String line(List<Map.Entry<String, long[]>> stacks, long total) {
    Map<String, Entry> byFrame = new HashMap<>();
    for (Map.Entry<String, long[]> e : stacks) {
      long n = e.getValue()[0];
      Place place = place(e.getKey());
      Entry entry = byFrame.computeIfAbsent(place.frame, k -> new Entry());
      entry.samples += n;
      entry.waiting += place.waiting ? n : 0;
      entry.below.merge(place.below, n, Long::sum);
    }
    List<Map.Entry<String, Entry>> top = new ArrayList<>(byFrame.entrySet());
    top.sort((a, b) -> Long.compare(b.getValue().samples, a.getValue().samples));
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < Math.min(MAX_ENTRIES, top.size()); i++) {
      Entry entry = top.get(i).getValue();
      long pct = Math.round(100.0 * entry.samples / Math.max(1, total));
      if (i > 0 && pct == 0) {
        break;
      }
      if (i > 0) {
        line.append(", ");
      }
      line.append(top.get(i).getKey()).append(' ').append(pct).append('%');
      String below = entry.mostOfBelow();
      if (!below.isEmpty()) {
        line.append(entry.waiting * 2 > entry.samples ? " (waiting in " : " (in ")
            .append(below)
            .append(')');
      }
    }
    return line.toString();
  }

  /** One application frame's share of the line. */
  private static final class Entry {
    long samples;
    long waiting;

    /** What the samples were in below the frame ("" for the frame itself) -> samples. */
    final Map<String, Long> below = new HashMap<>();

    String mostOfBelow() {
      return most(below);
    }
  }

  /** The key with the most samples, the first in name order on a tie; "" when there is none. */
  static String most(Map<String, Long> samples) {
    String most = "";
    long mostSamples = -1;
    for (Map.Entry<String, Long> e : samples.entrySet()) {
      if (e.getValue() > mostSamples
          || (e.getValue() == mostSamples && e.getKey().compareTo(most) < 0)) {
        most = e.getKey();
        mostSamples = e.getValue();
      }
    }
    return most;
  }

  /**
   * Where one stack's samples go in the line: its application frame (short name), what it was in
   * below that frame ("" for the frame itself), and whether the leaf waits.
   */
  private record Place(String frame, String below, boolean waiting) {}

  private Place place(String stack) {
    String[] frames = stack.split(";");
    for (int i = 0; i < frames.length; i++) {
      frames[i] = ProfileSnippetFormat.withoutTypeSuffix(frames[i]);
    }
    boolean waiting = waits(frames[frames.length - 1]);
    int app = -1;
    for (int i = frames.length - 1; i >= 0; i--) {
      if (isApplication(frames[i])) {
        app = i;
        break;
      }
    }
    // The innermost known library below the application frame (or, without one, on the stack: a
    // library's thread working for the span, such as the event loop writing a Lettuce command).
    String below = "";
    for (int i = frames.length - 1; i > app && below.isEmpty(); i--) {
      String library = library(frames[i]);
      below = library != null ? library : "";
    }
    if (app < 0) {
      return new Place(ProfileSnippet.shortName(frames[frames.length - 1]), below, waiting);
    }
    for (int i = app + 1; below.isEmpty() && i < frames.length; i++) {
      String callee = frames[i];
      if (!callee.startsWith("io.opentelemetry.")
          && !callee.startsWith("dev.jobtrace.tracking.")
          && !callee.startsWith("java.lang.invoke.")
          && !callee.startsWith("jdk.internal.reflect.")
          && !callee.startsWith("jdk.proxy")) {
        below = ProfileSnippet.shortName(callee);
      }
    }
    return new Place(ProfileSnippet.shortName(frames[app]), below, waiting);
  }

  /**
   * The application frame a stack is in (short name, {@code RateCache.get}), or its leaf's where no
   * application frame is on it.
   */
  public String applicationFrame(String stack) {
    return place(stack).frame;
  }

  boolean isApplication(String frame) {
    if (!appPackages.isEmpty()) {
      for (String p : appPackages) {
        if (frame.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
    if (frame.indexOf('.') < 0 || library(frame) != null) {
      return false; // unknown_Java, [unknown], native or VM frames without a package
    }
    for (String p : PLATFORM) {
      if (frame.startsWith(p)) {
        return false;
      }
    }
    return true;
  }

  static String library(String frame) {
    String best = null;
    int bestLength = 0;
    for (String[] l : LIBRARIES) {
      if (frame.startsWith(l[0]) && l[0].length() > bestLength) {
        best = l[1];
        bestLength = l[0].length();
      }
    }
    return best;
  }

  static boolean waits(String leaf) {
    for (String w : WAITING_LEAVES) {
      if (leaf.startsWith(w)) {
        return true;
      }
    }
    return false;
  }
}
