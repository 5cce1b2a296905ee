package dev.jobtrace.profile;

import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.Finding;
import dev.jobtrace.analysis.JobAnalysis;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The job span contract's breakdown attributes and finding events. */
final class AnalysisAttributes {

  static final AttributeKey<Long> OTHER_MS = AttributeKey.longKey("jobtrace.time.other_ms");
  static final String FINDING_EVENT = "jobtrace.finding";
  static final AttributeKey<String> FINDING_KIND = AttributeKey.stringKey("jobtrace.finding.kind");
  static final AttributeKey<String> FINDING_SUMMARY = AttributeKey.stringKey("jobtrace.finding.summary");
  static final AttributeKey<Long> FINDING_COUNT = AttributeKey.longKey("jobtrace.finding.count");
  static final AttributeKey<Long> FINDING_TOTAL_MS = AttributeKey.longKey("jobtrace.finding.total_ms");
  static final AttributeKey<Long> FINDING_MAX_MS = AttributeKey.longKey("jobtrace.finding.max_ms");
  static final AttributeKey<String> FINDING_STATEMENT = AttributeKey.stringKey("jobtrace.finding.statement");
  /** What usually fixes it, on findings where jobtrace can say ({@code repeated_sequence}). */
  static final AttributeKey<String> FINDING_FIX = AttributeKey.stringKey("jobtrace.finding.fix");
  /** On the job span: the kinds found, most costly first, comma-separated. */
  static final AttributeKey<String> FINDINGS = AttributeKey.stringKey("jobtrace.findings");
  /** On the job span: the most costly finding, {@code kind: summary}. */
  static final AttributeKey<String> FINDING_TOP = AttributeKey.stringKey("jobtrace.finding.top");

  private AnalysisAttributes() {}

  /**
   * The parts add up to the span's own duration in milliseconds, as the trace shows it: "other"
   * takes what the calls leave, so rounding and the moments between the span's clock readings and
   * jobtrace's never show as missing time. Findings go on the span twice: as events with all
   * their numbers, and as tags a trace search can select on ({@code jobtrace.finding.<kind>=true})
   * and a tag table shows at once ({@code jobtrace.findings}, {@code jobtrace.finding.top}).
   */
  static void add(
      JobAnalysis.Result result, long spanNanos, long eventEpochNanos, AttributesBuilder attributes, List<EventData> events) {
    long waitedMillis = 0;
    for (CallKind kind : CallKind.values()) {
      long millis = result.waitedNanos[kind.ordinal()] / 1_000_000;
      waitedMillis += millis;
      attributes.put(AttributeKey.longKey("jobtrace.time." + kind.label + "_ms"), millis);
      attributes.put(AttributeKey.longKey("jobtrace.calls." + kind.label), result.calls[kind.ordinal()]);
    }
    attributes.put(OTHER_MS, Math.max(0, spanNanos / 1_000_000 - waitedMillis));
    Set<String> kinds = new LinkedHashSet<>();
    for (Finding f : result.findings) {
      if (kinds.isEmpty()) {
        attributes.put(FINDING_TOP, f.kind + ": " + f.summary);
      }
      if (kinds.add(f.kind)) {
        attributes.put(AttributeKey.booleanKey("jobtrace.finding." + f.kind), true);
      }
      AttributesBuilder event =
          Attributes.builder()
              .put(FINDING_KIND, f.kind)
              .put(FINDING_SUMMARY, f.summary)
              .put(FINDING_COUNT, f.count)
              .put(FINDING_TOTAL_MS, f.totalMillis)
              .put(FINDING_MAX_MS, f.maxMillis)
              .put(FINDING_STATEMENT, f.statement);
      if (f.fix != null) {
        event.put(FINDING_FIX, f.fix);
      }
      events.add(EventData.create(eventEpochNanos, FINDING_EVENT, event.build()));
    }
    if (!kinds.isEmpty()) {
      attributes.put(FINDINGS, String.join(",", kinds));
    }
  }
}
