package dev.jobtrace.linker;

import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.linker.PrometheusClient.Exemplar;
import dev.jobtrace.linker.PrometheusClient.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every job of the agents' metrics ranked by p95 duration over a window, read from Prometheus: run
 * count, failures, p95 queue latency, the p95 of the window before, the split by {@code
 * service.version}, and the slowest runs' traces from the exemplars.
 *
 * <p>Runs in a window are counted as the last value of each series in the window minus its last
 * value in the window before (or the whole last value when the series began inside the window), not
 * with {@code increase()}: a job's series appears with its first run already counted, and a job
 * that runs a few times a day would otherwise lose that run and be extrapolated into fractions.
 * Each worker process is a series of its own ({@code instance}), so a restart is a new series, not
 * a counter reset.
 */
final class JobRanking {

  static final String NAME = SpanContract.PROM_LABEL_JOB_NAME;
  static final String SERVICE = SpanContract.PROM_LABEL_SERVICE;
  static final String VERSION = SpanContract.PROM_LABEL_VERSION;

  /** The windows the page offers. */
  enum Window {
    HOUR("1h", Duration.ofHours(1)),
    DAY("24h", Duration.ofDays(1)),
    WEEK("7d", Duration.ofDays(7));

    final String label;
    final Duration length;

    Window(String label, Duration length) {
      this.label = label;
      this.length = length;
    }

    static Window parse(String raw) {
      if (raw == null || raw.isEmpty()) {
        return HOUR;
      }
      for (Window w : values()) {
        if (w.label.equals(raw)) {
          return w;
        }
      }
      throw new ProfileId.BadRequest("unknown window \"" + raw + "\": use 1h, 24h or 7d");
    }
  }

  /** One version's share of a job's runs. */
  record VersionSplit(String version, double p95Seconds, double runs, Instant firstSeen) {}

  /** One job of one service over the window. */
  record Job(
      String service,
      String name,
      double p95Seconds,
      double previousP95Seconds,
      double runs,
      double failures,
      double queueP95Seconds,
      List<VersionSplit> versions,
      List<Exemplar> slowest) {

    double failureRate() {
      return runs > 0 ? failures / runs : 0;
    }

    /** p95 of this window over the previous one's; NaN when the job did not run before. */
    double trend() {
      return previousP95Seconds > 0 ? p95Seconds / previousP95Seconds : Double.NaN;
    }

    /** Its p95 queue latency is longer than its p95 run. */
    boolean waitsMoreThanItRuns() {
      return queueP95Seconds > p95Seconds && queueP95Seconds > 0;
    }

    /** The newest version's p95 over the oldest's, when the window has more than one. */
    double versionRatio() {
      if (versions.size() < 2) {
        return Double.NaN;
      }
      double oldest = versions.get(0).p95Seconds();
      return oldest > 0 ? versions.get(versions.size() - 1).p95Seconds() / oldest : Double.NaN;
    }
  }

  private final PrometheusClient prometheus;

  JobRanking(PrometheusClient prometheus) {
    this.prometheus = prometheus;
  }

  /** The jobs of {@code service} (every service when null), slowest p95 first. */
  List<Job> rank(Window window, String service, Instant now) {
    String selector = service == null ? "" : SERVICE + "=\"" + escape(service) + "\"";
    long w = window.length.toSeconds();
    String duration = SpanContract.PROM_JOB_DURATION;
    String queue = SpanContract.PROM_JOB_QUEUE_LATENCY;
    String byJob = SERVICE + ", " + NAME;

    Map<String, Double> p95 = byKey(query(p95(duration, selector, w, 0, byJob), now), false);
    Map<String, Double> previous = byKey(query(p95(duration, selector, w, w, byJob), now), false);
    Map<String, Double> runs =
        byKey(query(sum(runs(duration + "_count", selector, w, 0), byJob), now), false);
    String failed =
        join(
            selector,
            SpanContract.PROM_LABEL_OUTCOME + "=\"" + SpanContract.OUTCOME_FAILURE + "\"");
    Map<String, Double> failures =
        byKey(query(sum(runs(duration + "_count", failed, w, 0), byJob), now), false);
    Map<String, Double> queueP95 = byKey(query(p95(queue, selector, w, 0, byJob), now), false);

    String byVersion = byJob + ", " + VERSION;
    Map<String, Double> versionP95 =
        byKey(query(p95(duration, selector, w, 0, byVersion), now), true);
    Map<String, Double> versionRuns =
        byKey(query(sum(runs(duration + "_count", selector, w, 0), byVersion), now), true);
    Map<String, Double> versionFirstSeen =
        byKey(query(firstSeen(duration + "_count", selector, w, byVersion), now), true);

    Map<String, List<Exemplar>> exemplars = new HashMap<>();
    for (Exemplar e :
        prometheus.exemplars(
            duration + "_bucket{" + selector + "}", now.minus(window.length), now)) {
      exemplars.computeIfAbsent(key(e.series(), false), k -> new ArrayList<>()).add(e);
    }

    List<Job> jobs = new ArrayList<>();
    for (Map.Entry<String, Double> e : runs.entrySet()) {
      if (!(e.getValue() > 0)) {
        continue;
      }
      String key = e.getKey();
      String[] parts = key.split("\u0000", -1);
      List<VersionSplit> versions = new ArrayList<>();
      for (Map.Entry<String, Double> v : versionRuns.entrySet()) {
        String[] vp = v.getKey().split("\u0000", -1);
        if (v.getValue() > 0 && vp[0].equals(parts[0]) && vp[1].equals(parts[1])) {
          double first = versionFirstSeen.getOrDefault(v.getKey(), Double.NaN);
          versions.add(
              new VersionSplit(
                  vp[2],
                  versionP95.getOrDefault(v.getKey(), Double.NaN),
                  v.getValue(),
                  Double.isNaN(first) ? Instant.MAX : Instant.ofEpochMilli((long) (first * 1000))));
        }
      }
      versions.sort(
          Comparator.comparing(VersionSplit::firstSeen).thenComparing(VersionSplit::version));
      if (versions.size() == 1) {
        versions.clear(); // one version: nothing to split
      }
      List<Exemplar> slowest = new ArrayList<>();
      List<Exemplar> all = new ArrayList<>(exemplars.getOrDefault(key, List.of()));
      all.sort(Comparator.comparingDouble(Exemplar::value).reversed());
      for (Exemplar x : all) {
        if (slowest.size() < 3
            && slowest.stream().noneMatch(s -> s.traceId().equals(x.traceId()))) {
          slowest.add(x);
        }
      }
      jobs.add(
          new Job(
              parts[0],
              parts[1],
              p95.getOrDefault(key, Double.NaN),
              previous.getOrDefault(key, Double.NaN),
              e.getValue(),
              failures.getOrDefault(key, 0.0),
              queueP95.getOrDefault(key, Double.NaN),
              versions,
              slowest));
    }
    jobs.sort(
        Comparator.comparingDouble((Job j) -> Double.isNaN(j.p95Seconds) ? -1 : j.p95Seconds)
            .reversed()
            .thenComparing(Job::name));
    return jobs;
  }

  private List<Sample> query(String promql, Instant now) {
    return prometheus.query(promql, now);
  }

  /** Per series: what its cumulative value grew by in the window ending {@code shift} ago. */
  static String runs(String metric, String selector, long window, long shift) {
    String series = metric + "{" + selector + "}";
    String now = "last_over_time(" + series + "[" + window + "s]" + offset(shift) + ")";
    String before = "last_over_time(" + series + "[" + window + "s]" + offset(shift + window) + ")";
    return "clamp_min((" + now + " - " + before + ") or " + now + ", 0)";
  }

  static String p95(String histogram, String selector, long window, long shift, String by) {
    return "histogram_quantile(0.95, sum by ("
        + by
        + ", le) ("
        + runs(histogram + "_bucket", selector, window, shift)
        + "))";
  }

  static String sum(String expression, String by) {
    return "sum by (" + by + ") (" + expression + ")";
  }

  /** When each group's first sample in the window was taken, in epoch seconds. */
  static String firstSeen(String metric, String selector, long window, String by) {
    long step = Math.max(15, window / 240);
    return "min by ("
        + by
        + ") (min_over_time(timestamp("
        + metric
        + "{"
        + selector
        + "})["
        + window
        + "s:"
        + step
        + "s]))";
  }

  private static String offset(long seconds) {
    return seconds == 0 ? "" : " offset " + seconds + "s";
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + ", " + b;
  }

  /** A label value inside double quotes. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static Map<String, Double> byKey(List<Sample> samples, boolean withVersion) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Sample s : samples) {
      out.put(key(s.labels(), withVersion), s.value());
    }
    return out;
  }

  private static String key(Map<String, String> labels, boolean withVersion) {
    String key = labels.getOrDefault(SERVICE, "") + "\u0000" + labels.getOrDefault(NAME, "");
    return withVersion ? key + "\u0000" + labels.getOrDefault(VERSION, "") : key;
  }
}
