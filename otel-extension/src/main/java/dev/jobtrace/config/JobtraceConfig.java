package dev.jobtrace.config;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.KeyPatterns;
import dev.jobtrace.profiler.ProfileSettings;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * jobtrace's settings, read through the agent's configuration so that each works as a system
 * property {@code otel.jobtrace.*} and as an environment variable {@code OTEL_JOBTRACE_*}. A bad
 * value logs one line naming it and falls back to the default: the application never fails because
 * of jobtrace.
 */
public final class JobtraceConfig {

  public static final String JOBS = "otel.jobtrace.jobs";
  public static final String JOBRUNR_PROPAGATION = "otel.jobtrace.jobrunr.propagation";
  public static final String BOOKKEEPING_TRACED = "otel.jobtrace.bookkeeping.traced";
  public static final String SPRING_BATCH_PARAMETER_VALUES =
      "otel.jobtrace.spring-batch.parameter-values";

  public static final String PROFILE_THRESHOLD = "otel.jobtrace.profile.threshold";
  public static final String PROFILER_ENABLED = "otel.jobtrace.profiler.enabled";
  public static final String PROFILER_INTERVAL = "otel.jobtrace.profiler.interval";
  public static final String PROFILER_DIR = "otel.jobtrace.profiler.dir";
  public static final String PROFILER_LOCK_WAITS = "otel.jobtrace.profiler.lock-waits";
  public static final String PROFILE_FLUSH_INTERVAL = "otel.jobtrace.profile.flush-interval";
  public static final String PROFILE_MAX_WAIT = "otel.jobtrace.profile.max-wait";
  public static final String PROFILE_MIN_SAMPLES = "otel.jobtrace.profile.min-samples";
  public static final String PROFILE_MAX_BYTES = "otel.jobtrace.profile.max-bytes";
  public static final String PROFILE_MAX_STACKS = "otel.jobtrace.profile.max-stacks";
  public static final String PROFILE_APP_PACKAGES = "otel.jobtrace.profile.app-packages";
  public static final String PROFILE_TIMELINE_MAX_RUNS = "otel.jobtrace.profile.timeline.max-runs";

  /**
   * A job still running after this long (and the profile threshold) gets a keep marker span at
   * once, for tail samplers that decide before the job span arrives; 0 sends none.
   */
  public static final String KEEP_MARK_AFTER = "otel.jobtrace.keep.mark-after";

  public static final String EXPORT_BUFFER_MAX_SPANS = "otel.jobtrace.export.buffer.max-spans";
  public static final String EXPORT_BUFFER_MAX_BYTES = "otel.jobtrace.export.buffer.max-bytes";

  /**
   * A directory where spans still held at shutdown are written, for the next start with it to
   * deliver (OpenTelemetry's disk-buffering format); unset keeps them in memory only.
   */
  public static final String EXPORT_BUFFER_DIR = "otel.jobtrace.export.buffer.dir";

  /**
   * Spans an exporter holds through an outage: a minute of 25 jobs a second with 20 spans each is
   * 30,000.
   */
  static final int DEFAULT_EXPORT_BUFFER_MAX_SPANS = 50_000;

  /** About 2,000 job spans with full 16 KiB profile snippets, or 30,000 plain job spans. */
  static final int DEFAULT_EXPORT_BUFFER_MAX_BYTES = 64 * 1024 * 1024;

  public static final String COMPRESSION_ENABLED = "otel.jobtrace.compression.enabled";
  public static final String COMPRESSION_MAX_CALL = "otel.jobtrace.compression.max-call";
  public static final String COMPRESSION_MIN_RUN = "otel.jobtrace.compression.min-run";
  public static final String REPEATED_MIN_COUNT = "otel.jobtrace.finding.repeated-min-count";
  public static final String REPEATED_MIN_TOTAL = "otel.jobtrace.finding.repeated-min-total";
  public static final String REPEATED_MAX_AVERAGE = "otel.jobtrace.finding.repeated-max-average";
  public static final String SLOW_CALL = "otel.jobtrace.finding.slow-call";
  public static final String DOMINANT_PERCENT = "otel.jobtrace.finding.dominant-percent";
  public static final String CPU_MIN_PERCENT = "otel.jobtrace.finding.cpu-min-percent";
  public static final String CPU_MIN = "otel.jobtrace.finding.cpu-min";
  public static final String CONTENTION_SLOWDOWN = "otel.jobtrace.finding.contention-slowdown";
  public static final String CONTENTION_MIN = "otel.jobtrace.finding.contention-min";
  public static final String PAYLOAD_MIN_BYTES = "otel.jobtrace.finding.payload-min-bytes";
  public static final String MAX_FINDINGS = "otel.jobtrace.finding.max";
  public static final String MAX_JOBS = "otel.jobtrace.analysis.max-jobs";
  public static final String MAX_STATEMENTS = "otel.jobtrace.analysis.max-statements";
  public static final String QUEUE_WAIT_MIN_RATIO = "otel.jobtrace.analysis.queue-wait.min-ratio";
  public static final String QUEUE_WAIT_MIN = "otel.jobtrace.analysis.queue-wait.min";
  public static final String REDIS_IDS = "otel.jobtrace.shape.redis-ids";

  static final Propagation DEFAULT_PROPAGATION = Propagation.LINK;
  static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(500);
  static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);
  static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

  /**
   * A third of the collector's default decision wait (30 s): a job ending before it leaves its job
   * span in time, and the marker of one running longer arrives with time to spare.
   */
  static final Duration DEFAULT_KEEP_MARK_AFTER = Duration.ofSeconds(10);

  static final int DEFAULT_MIN_SAMPLES = 10;

  /** The span contract caps the encoded snippet at 64 KiB. */
  static final int DEFAULT_MAX_BYTES = 64 * 1024;

  /** A 64 KiB snippet holds a few hundred distinct stacks; more are kept to rank them fairly. */
  static final int DEFAULT_MAX_STACKS = 2_000;

  /**
   * Runs of one stack on one thread kept per span for its timeline: a job alternating between two
   * stages 1,000 times keeps every alternation; about 64 KiB per span at most.
   */
  static final int DEFAULT_TIMELINE_MAX_RUNS = 2_048;

  private static final Logger logger = Logger.getLogger(JobtraceConfig.class.getName());

  private final JobMethods jobs;
  private final Propagation propagation;
  private final ProfileSettings profile;
  private final AnalysisSettings analysis;
  private final boolean bookkeepingTraced;
  private final boolean parameterValues;
  private final int exportBufferMaxSpans;
  private final int exportBufferMaxBytes;
  private final String exportBufferDir;

  JobtraceConfig(
      JobMethods jobs,
      Propagation propagation,
      ProfileSettings profile,
      AnalysisSettings analysis,
      boolean bookkeepingTraced,
      boolean parameterValues,
      int exportBufferMaxSpans,
      int exportBufferMaxBytes,
      String exportBufferDir) {
    this.exportBufferDir = exportBufferDir;
    this.exportBufferMaxSpans = exportBufferMaxSpans;
    this.exportBufferMaxBytes = exportBufferMaxBytes;
    this.jobs = jobs;
    this.propagation = propagation;
    this.profile = profile;
    this.analysis = analysis;
    this.bookkeepingTraced = bookkeepingTraced;
    this.parameterValues = parameterValues;
  }

  /** Spans each exporter holds while its backend is down; 0 hands spans to it directly. */
  public int exportBufferMaxSpans() {
    return exportBufferMaxSpans;
  }

  /** Estimated bytes each exporter holds while its backend is down. */
  public int exportBufferMaxBytes() {
    return exportBufferMaxBytes;
  }

  /** Where spans held at shutdown wait for the next start; null: nowhere (memory only). */
  public String exportBufferDir() {
    return exportBufferDir;
  }

  /** True when the job frameworks' own polling and repository calls are traced like other code. */
  public boolean bookkeepingTraced() {
    return bookkeepingTraced;
  }

  /** True when Spring Batch job spans carry their parameters' values, not only their names. */
  public boolean parameterValues() {
    return parameterValues;
  }

  public AnalysisSettings analysis() {
    return analysis;
  }

  public static JobtraceConfig read(ConfigProperties config) {
    JobMethods jobs = JobMethods.parse(config.getString(JOBS));
    if (!jobs.rejected().isEmpty()) {
      logger.log(
          Level.WARNING,
          "jobtrace: ignoring malformed entries {0} in {1}; expected pkg.Class[method1,method2];pkg.Other[run]",
          new Object[] {quoted(jobs.rejected()), JOBS});
    }

    String rawPropagation = config.getString(JOBRUNR_PROPAGATION);
    Propagation propagation = Propagation.parse(rawPropagation);
    if (propagation == null) {
      if (rawPropagation != null) {
        logger.log(
            Level.WARNING,
            "jobtrace: unknown value \"{0}\" for {1}; expected child, link or none; using {2}",
            new Object[] {rawPropagation, JOBRUNR_PROPAGATION, DEFAULT_PROPAGATION.configValue()});
      }
      propagation = DEFAULT_PROPAGATION;
    }
    ProfileSettings profile =
        new ProfileSettings(
            duration(config, PROFILE_THRESHOLD, DEFAULT_THRESHOLD, Duration.ZERO),
            bool(config, PROFILER_ENABLED, true),
            duration(config, PROFILER_INTERVAL, DEFAULT_INTERVAL, Duration.ofMillis(1)),
            duration(config, PROFILE_FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL, Duration.ofMillis(50)),
            duration(config, PROFILE_MAX_WAIT, DEFAULT_MAX_WAIT, Duration.ZERO),
            integer(config, PROFILE_MIN_SAMPLES, DEFAULT_MIN_SAMPLES, 1, Integer.MAX_VALUE),
            integer(config, PROFILE_MAX_BYTES, DEFAULT_MAX_BYTES, 1024, DEFAULT_MAX_BYTES),
            string(config, PROFILER_DIR, System.getProperty("java.io.tmpdir")),
            integer(config, PROFILE_MAX_STACKS, DEFAULT_MAX_STACKS, 10, 1_000_000),
            packages(config, PROFILE_APP_PACKAGES),
            integer(config, PROFILE_TIMELINE_MAX_RUNS, DEFAULT_TIMELINE_MAX_RUNS, 0, 1_000_000),
            bool(config, PROFILER_LOCK_WAITS, true),
            duration(config, KEEP_MARK_AFTER, DEFAULT_KEEP_MARK_AFTER, Duration.ZERO));
    AnalysisSettings d = AnalysisSettings.defaults();
    AnalysisSettings analysis =
        new AnalysisSettings(
            integer(config, REPEATED_MIN_COUNT, d.repeatedMinCount(), 2, Integer.MAX_VALUE),
            duration(config, REPEATED_MIN_TOTAL, d.repeatedMinTotal(), Duration.ZERO),
            duration(config, REPEATED_MAX_AVERAGE, d.repeatedMaxAverage(), Duration.ofNanos(1)),
            duration(config, SLOW_CALL, d.slowCall(), Duration.ofMillis(1)),
            integer(config, DOMINANT_PERCENT, (int) Math.round(d.dominantShare() * 100), 1, 100)
                / 100.0,
            integer(config, MAX_FINDINGS, d.maxFindings(), 0, 100),
            integer(config, MAX_JOBS, d.maxJobs(), 1, 1_000_000),
            integer(config, MAX_STATEMENTS, d.maxDistinctCalls(), 1, 1_000_000),
            bool(config, COMPRESSION_ENABLED, d.compressionEnabled()),
            duration(config, COMPRESSION_MAX_CALL, d.compressionMaxCall(), Duration.ZERO),
            integer(config, COMPRESSION_MIN_RUN, d.compressionMinRun(), 2, 1_000_000),
            keyPatterns(config, REDIS_IDS),
            decimal(config, QUEUE_WAIT_MIN_RATIO, d.queueWaitMinRatio(), 0, 1000),
            duration(config, QUEUE_WAIT_MIN, d.queueWaitMin(), Duration.ofMillis(1)),
            integer(config, CPU_MIN_PERCENT, (int) Math.round(d.cpuMinShare() * 100), 1, 100)
                / 100.0,
            duration(config, CPU_MIN, d.cpuMin(), Duration.ofMillis(1)),
            integer(config, PAYLOAD_MIN_BYTES, (int) d.payloadMinBytes(), 1, Integer.MAX_VALUE),
            decimal(config, CONTENTION_SLOWDOWN, d.contentionSlowdown(), 1, 1000),
            duration(config, CONTENTION_MIN, d.contentionMin(), Duration.ofMillis(1)));
    return new JobtraceConfig(
        jobs,
        propagation,
        profile,
        analysis,
        bool(config, BOOKKEEPING_TRACED, false),
        bool(config, SPRING_BATCH_PARAMETER_VALUES, false),
        integer(config, EXPORT_BUFFER_MAX_SPANS, DEFAULT_EXPORT_BUFFER_MAX_SPANS, 0, 10_000_000),
        integer(
            config,
            EXPORT_BUFFER_MAX_BYTES,
            DEFAULT_EXPORT_BUFFER_MAX_BYTES,
            1024 * 1024,
            Integer.MAX_VALUE),
        string(config, EXPORT_BUFFER_DIR, null));
  }

  private static void badValue(String key, Object value, String expected, Object fallback) {
    logger.log(
        Level.WARNING,
        "jobtrace: invalid value \"{0}\" for {1}; expected {2}; using {3}",
        new Object[] {value, key, expected, String.valueOf(fallback)});
  }

  static Duration duration(ConfigProperties config, String key, Duration fallback, Duration min) {
    String raw = config.getString(key);
    if (raw == null) {
      return fallback;
    }
    try {
      Duration value = config.getDuration(key);
      if (value != null && value.compareTo(min) >= 0) {
        return value;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    badValue(
        key,
        raw,
        "a duration of at least " + min.toMillis() + "ms, like 500ms or 2s",
        fallback.toMillis() + "ms");
    return fallback;
  }

  static boolean bool(ConfigProperties config, String key, boolean fallback) {
    String raw = config.getString(key);
    if (raw == null) {
      return fallback;
    }
    String v = raw.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    badValue(key, raw, "true or false", fallback);
    return fallback;
  }

  static int integer(ConfigProperties config, String key, int fallback, int min, int max) {
    return number(
        config,
        key,
        fallback,
        min,
        max,
        Integer::valueOf,
        "a whole number from " + min + " to " + max);
  }

  static double decimal(ConfigProperties config, String key, double fallback, int min, int max) {
    return number(
        config,
        key,
        fallback,
        (double) min,
        (double) max,
        Double::valueOf,
        "a number from " + min + " to " + max + ", like 1 or 2.5");
  }

  /** A number within bounds; NaN is out of any (it compares above every double). */
  private static <T extends Comparable<T>> T number(
      ConfigProperties config,
      String key,
      T fallback,
      T min,
      T max,
      Function<String, T> parse,
      String expected) {
    String raw = config.getString(key);
    if (raw == null) {
      return fallback;
    }
    try {
      T value = parse.apply(raw.trim());
      if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    badValue(key, raw, expected, fallback);
    return fallback;
  }

  private static final Pattern PACKAGE =
      Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*\\.?");

  /** Regular expressions separated by {@code ;}; one that does not compile is named and dropped. */
  static KeyPatterns keyPatterns(ConfigProperties config, String key) {
    String raw = config.getString(key);
    if (raw == null || raw.isBlank()) {
      return KeyPatterns.NONE;
    }
    List<Pattern> patterns = new ArrayList<>();
    for (String part : raw.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        patterns.add(Pattern.compile(p));
      } catch (PatternSyntaxException e) {
        logger.log(
            Level.WARNING,
            "jobtrace: ignoring \"{0}\" in {1}: not a regular expression ({2})",
            new Object[] {p, key, e.getDescription()});
      }
    }
    return new KeyPatterns(patterns);
  }

  /**
   * Comma-separated package names, each kept as a prefix ending in a dot; malformed ones dropped.
   */
  static List<String> packages(ConfigProperties config, String key) {
    String raw = config.getString(key);
    List<String> kept = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    if (raw != null) {
      for (String part : raw.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (PACKAGE.matcher(p).matches()) {
          kept.add(p.endsWith(".") ? p : p + ".");
        } else {
          rejected.add(p);
        }
      }
    }
    if (!rejected.isEmpty()) {
      logger.log(
          Level.WARNING,
          "jobtrace: ignoring malformed entries {0} in {1}; expected package names like com.acme,org.example.billing",
          new Object[] {quoted(rejected), key});
    }
    return List.copyOf(kept);
  }

  static String string(ConfigProperties config, String key, String fallback) {
    String raw = config.getString(key);
    return raw == null || raw.isBlank() ? fallback : raw.trim();
  }

  private static String quoted(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (String v : values) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append('"').append(v).append('"');
    }
    return out.toString();
  }

  public JobMethods jobs() {
    return jobs;
  }

  public Propagation propagation() {
    return propagation;
  }

  public ProfileSettings profile() {
    return profile;
  }
}
