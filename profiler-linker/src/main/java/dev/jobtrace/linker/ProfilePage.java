package dev.jobtrace.linker;

import dev.jobtrace.contract.ProfileTimelineFormat;
import dev.jobtrace.contract.SpanContract;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The page of one span's profile: who, what, how long, where the job's time went, the graph. */
final class ProfilePage {
  private ProfilePage() {}

  /** The span and the job span above it (or the span itself). */
  static TraceSpan jobOf(TraceSpan span, List<TraceSpan> trace) {
    Map<String, TraceSpan> byId = new HashMap<>();
    for (TraceSpan s : trace) {
      byId.put(s.spanId, s);
    }
    TraceSpan current = span;
    for (int depth = 0; current != null && depth < 1000; depth++) {
      if (current.attr(SpanContract.JOB_NAME.getKey()) != null) {
        return current;
      }
      current = byId.get(current.parentSpanId);
    }
    return null;
  }

  static String render(
      ProfileId id,
      TraceSpan span,
      List<TraceSpan> trace,
      Snippet snippet,
      String problem,
      String jaegerUi) {
    TraceSpan job = jobOf(span, trace);
    String call = call(span);
    String title = "Profile of " + title(span, call);
    StringBuilder b = new StringBuilder();
    b.append("<h1>").append(Html.text(title)).append("</h1>");
    b.append("<table>");
    row(b, "service", span.service);
    if (job != null) {
      row(
          b,
          "job",
          job.attr(SpanContract.JOB_NAME.getKey())
              + (job.attr(SpanContract.JOB_ID.getKey()) != null
                  ? " (id " + job.attr(SpanContract.JOB_ID.getKey()) + ")"
                  : ""));
    }
    row(b, "span", span.name + (job == span ? " (the job span)" : ""));
    row(b, "duration", span.durationMillis() + " ms");
    if (call != null) {
      b.append("<tr><th>")
          .append(statement(span) != null ? "statement" : "call")
          .append("</th><td><code id='call'>")
          .append(Html.text(call))
          .append("</code></td></tr>");
    }
    if (snippet != null) {
      row(b, "samples", snippet.samples() + "");
      row(b, "hot frames", span.attr(SpanContract.PROFILE_HOT.getKey()));
    }
    b.append("<tr><th>trace</th><td><a id='jaeger-link' href='")
        .append(Html.text(spanInJaeger(jaegerUi, id.traceId, id.spanId)))
        .append("'>open this span in its trace in Jaeger</a></td></tr>");
    b.append("</table>");

    if (job != null && job.attr(SpanContract.TIME_OTHER_MS.getKey()) != null) {
      b.append("<h2>Where the job's ")
          .append(job.durationMillis())
          .append(" ms went</h2><table id='breakdown'>");
      for (String kind : new String[] {"db", "redis", "http", "other"}) {
        String ms = job.attr(SpanContract.TIME_PREFIX + kind + "_ms");
        String calls = job.attr(SpanContract.CALLS_PREFIX + kind);
        b.append("<tr><th>")
            .append(kind)
            .append("</th><td>")
            .append(Html.text(ms))
            .append(" ms")
            .append(calls != null ? " in " + Html.text(calls) + " calls" : "")
            .append("</td></tr>");
      }
      b.append("</table>");
      List<TraceSpan.Event> findings = job.events(SpanContract.FINDING_EVENT);
      if (!findings.isEmpty()) {
        b.append("<h2>Findings</h2>");
        for (TraceSpan.Event f : findings) {
          b.append("<div class='finding'><b>")
              .append(Html.text(f.attributes().get(SpanContract.FINDING_KIND.getKey())))
              .append("</b> ")
              .append(Html.text(f.attributes().get(SpanContract.FINDING_SUMMARY.getKey())))
              .append("<br><code>")
              .append(Html.text(f.attributes().get(SpanContract.FINDING_STATEMENT.getKey())))
              .append("</code>");
          String fix = f.attributes().get(SpanContract.FINDING_FIX.getKey());
          if (fix != null) {
            b.append("<br><span class='fix'>Fix: ").append(Html.text(fix)).append("</span>");
          }
          b.append("</div>");
        }
      }
    }

    if (problem != null) {
      b.append("<h2>No profile</h2><p class='error' id='profile-error'>")
          .append(Html.text(problem))
          .append("</p>");
    } else {
      b.append("<h2>Flame graph</h2><p id='downloads'>Download: <a href='/profiles/")
          .append(id)
          .append("/folded'>folded stacks</a> · ");
      if (snippet.timeline() != null) {
        b.append("<a id='speedscope' href='/profiles/")
            .append(id)
            .append("/speedscope.json'>speedscope JSON</a>, in time order: speedscope.app's Time")
            .append(" Order view is the span's stack chart, thread by thread · ")
            .append("<a id='firefox-profiler' href='/profiles/")
            .append(id)
            .append("/firefox.json'>Firefox Profiler file</a>, which profiler.firefox.com opens")
            .append(" (Load a profile from file) with a track per thread")
            .append(timelineNote(snippet.timeline()))
            .append("</p>");
      } else {
        b.append("<a id='speedscope' href='/profiles/")
            .append(id)
            .append("/speedscope.json'>speedscope JSON</a> (opens in speedscope.app; ")
            .append(
                Html.text(
                    snippet.timelineProblem() != null
                        ? "no time order: its timeline cannot be read: " + snippet.timelineProblem()
                        : "no time order: the span's profile keeps none"))
            .append(")</p>");
      }
      b.append("<iframe id='flamegraph' src='/profiles/")
          .append(id)
          .append("/flamegraph'></iframe>");
    }
    return Html.page(title, b.toString());
  }

  /** What a reader of the time-ordered files should know: coarsened or cut short. */
  static String timelineNote(ProfileTimelineFormat.Timeline timeline) {
    return timeline.truncated()
        ? "; the span's last moments are left out, as its order did not fit the snippet's size"
        : "";
  }

  /** Jaeger's trace view, scrolled to the span and the span highlighted. */
  static String spanInJaeger(String jaegerUi, String traceId, String spanId) {
    return jaegerUi + "/trace/" + traceId + "?uiFind=" + spanId;
  }

  /** What the span called, as the instrumentation recorded it: method and URL, or the statement. */
  static String call(TraceSpan span) {
    String statement = statement(span);
    if (statement != null) {
      return statement;
    }
    String url = span.attr("url.full") != null ? span.attr("url.full") : span.attr("http.url");
    if (url != null) {
      String method =
          span.attr("http.request.method") != null
              ? span.attr("http.request.method")
              : span.attr("http.method");
      return method != null ? method + " " + url : url;
    }
    return null;
  }

  private static String statement(TraceSpan span) {
    return span.attr("db.query.text") != null
        ? span.attr("db.query.text")
        : span.attr("db.statement");
  }

  /** The span's name, or for a call the call itself (shortened to a title's length). */
  private static String title(TraceSpan span, String call) {
    if (call == null || span.attr(SpanContract.JOB_NAME.getKey()) != null) {
      return span.name;
    }
    String oneLine = call.replaceAll("\\s+", " ");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 119) + "…";
  }

  private static void row(StringBuilder b, String label, String value) {
    b.append("<tr><th>")
        .append(label)
        .append("</th><td>")
        .append(Html.text(value))
        .append("</td></tr>");
  }
}
