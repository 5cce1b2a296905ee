package dev.jobtrace.profile;

import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.Finding;
import dev.jobtrace.analysis.JobAnalysis;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.List;

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

  private AnalysisAttributes() {}

  /**
   * The parts add up to the span's own duration in milliseconds, as the trace shows it: "other"
   * takes what the calls leave, so rounding and the moments between the span's clock readings and
   * jobtrace's never show as missing time.
   */
  static void add(
      JobAnalysis.Result result, long spanNanos, long endEpochNanos, AttributesBuilder attributes, List<EventData> events) {
    long waitedMillis = 0;
    for (CallKind kind : CallKind.values()) {
      long millis = result.waitedNanos[kind.ordinal()] / 1_000_000;
      waitedMillis += millis;
      attributes.put(AttributeKey.longKey("jobtrace.time." + kind.label + "_ms"), millis);
      attributes.put(AttributeKey.longKey("jobtrace.calls." + kind.label), result.calls[kind.ordinal()]);
    }
    attributes.put(OTHER_MS, Math.max(0, spanNanos / 1_000_000 - waitedMillis));
    for (Finding f : result.findings) {
      events.add(
          EventData.create(
              endEpochNanos,
              FINDING_EVENT,
              Attributes.builder()
                  .put(FINDING_KIND, f.kind)
                  .put(FINDING_SUMMARY, f.summary)
                  .put(FINDING_COUNT, f.count)
                  .put(FINDING_TOTAL_MS, f.totalMillis)
                  .put(FINDING_MAX_MS, f.maxMillis)
                  .put(FINDING_STATEMENT, f.statement)
                  .build()));
    }
  }
}
