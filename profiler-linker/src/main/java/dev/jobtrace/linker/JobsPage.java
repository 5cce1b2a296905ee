package dev.jobtrace.linker;

import dev.jobtrace.linker.JobRanking.Job;
import dev.jobtrace.linker.JobRanking.VersionSplit;
import dev.jobtrace.linker.JobRanking.Window;
import dev.jobtrace.linker.PrometheusClient.Exemplar;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The start page's ranking of jobs by p95 duration, as HTML. */
final class JobsPage {
  private JobsPage() {}

  private static final com.fasterxml.jackson.databind.ObjectMapper TAGS =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The window links, keeping the chosen service. */
  static String windows(Window chosen, String service) {
    StringBuilder b = new StringBuilder("<p id='windows'>Window: ");
    for (Window w : Window.values()) {
      String href = "/?window=" + w.label + (service == null ? "" : "&service=" + enc(service));
      if (w == chosen) {
        b.append("<b>").append(w.label).append("</b> ");
      } else {
        b.append("<a href='").append(Html.text(href)).append("'>").append(w.label).append("</a> ");
      }
    }
    return b.append("</p>").toString();
  }

  static String ranking(List<Job> jobs, Window window, String jaegerUi) {
    StringBuilder b =
        new StringBuilder(
            "<table id='ranking'><tr><th>service</th><th>job</th><th>p95</th><th>vs previous "
                + window.label
                + "</th><th>runs</th><th>failed</th><th>p95 queue latency</th>"
                + "<th>by version (oldest first)</th><th>slowest runs</th></tr>");
    for (Job job : jobs) {
      b.append("<tr class='job' data-job='")
          .append(Html.text(job.name()))
          .append("' data-p95-seconds='")
          .append(number(job.p95Seconds()))
          .append("'><td>")
          .append(Html.text(job.service()))
          .append("</td><td>")
          .append(Html.text(job.name()))
          .append("</td><td class='p95'>")
          .append(seconds(job.p95Seconds()))
          .append("</td><td class='trend'>")
          .append(trend(job.trend()))
          .append("</td><td class='runs'>")
          .append(Math.round(job.runs()))
          .append("</td><td class='failed'>")
          .append(
              job.failures() > 0
                  ? Math.round(job.failures())
                      + " ("
                      + String.format(Locale.ROOT, "%.0f%%", 100 * job.failureRate())
                      + ")"
                  : "0")
          .append("</td><td class='queue'>")
          .append(seconds(job.queueP95Seconds()));
      if (job.waitsMoreThanItRuns()) {
        b.append(" <span class='finding waits'>waits longer than it runs</span>");
      }
      b.append("</td><td class='versions'>")
          .append(versions(job))
          .append("</td><td class='slowest'>");
      if (job.slowest().isEmpty()) {
        b.append("<a href='")
            .append(Html.text(searchInJaeger(jaegerUi, job, window)))
            .append("'>search in Jaeger</a>");
      }
      for (Exemplar run : job.slowest()) {
        String id = run.traceId() + "-" + run.spanId();
        b.append("<div class='run'>")
            .append(seconds(run.value()))
            .append(": <a class='profile' href='/profiles/")
            .append(Html.text(id))
            .append("'>profile</a> <a class='trace' href='")
            .append(Html.text(ProfilePage.spanInJaeger(jaegerUi, run.traceId(), run.spanId())))
            .append("'>trace</a></div>");
      }
      b.append("</td></tr>");
    }
    return b.append("</table>").toString();
  }

  private static String versions(Job job) {
    if (job.versions().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (VersionSplit v : job.versions()) {
      b.append("<div class='version' data-version='")
          .append(Html.text(v.version()))
          .append("' data-p95-seconds='")
          .append(number(v.p95Seconds()))
          .append("'>")
          .append(Html.text(v.version().isEmpty() ? "(no version)" : v.version()))
          .append(": p95 ")
          .append(seconds(v.p95Seconds()))
          .append(", ")
          .append(Math.round(v.runs()))
          .append(" runs</div>");
    }
    double ratio = job.versionRatio();
    if (!Double.isNaN(ratio)) {
      VersionSplit oldest = job.versions().get(0);
      VersionSplit newest = job.versions().get(job.versions().size() - 1);
      b.append("<div class='version-ratio'>")
          .append(Html.text(newest.version()))
          .append(" / ")
          .append(Html.text(oldest.version()))
          .append(": ")
          .append(String.format(Locale.ROOT, "%.2f×", ratio))
          .append("<span hidden class='ratio-value'>")
          .append(number(ratio))
          .append("</span>")
          .append("</div>");
    }
    return b.toString();
  }

  /** Jaeger UI's search for the job's runs in the window, slowest first. */
  static String searchInJaeger(String jaegerUi, Job job, Window window) {
    String tags = TAGS.createObjectNode().put("jobtrace.job.name", job.name()).toString();
    return jaegerUi
        + "/search?service="
        + enc(job.service())
        + "&tags="
        + enc(tags)
        + "&lookback="
        + window.label
        + "&limit=20";
  }

  static String trend(double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return "new";
    }
    String r = String.format(Locale.ROOT, "%.2f×", ratio);
    if (ratio >= 1.1) {
      return "<span class='worse'>▲ " + r + "</span>";
    }
    if (ratio <= 0.9) {
      return "<span class='better'>▼ " + r + "</span>";
    }
    return "≈ " + r;
  }

  /** Seconds as people read job times: 240 ms, 4.9 s, 214 s, 1.4 h. */
  static String seconds(double s) {
    if (Double.isNaN(s) || Double.isInfinite(s)) {
      return "–";
    }
    if (s < 1) {
      return Math.round(s * 1000) + " ms";
    }
    if (s < 100) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    if (s < 3600) {
      return Math.round(s) + " s";
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }

  private static String number(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
