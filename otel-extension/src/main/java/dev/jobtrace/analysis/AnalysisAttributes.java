package dev.jobtrace.analysis;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The job span contract's breakdown attributes and finding events. */
public final class AnalysisAttributes {

  private AnalysisAttributes() {}

  /**
   * The parts add up to the span's own duration in milliseconds, as the trace shows it: "other"
   * takes what the calls leave, so rounding and the moments between the span's clock readings and
   * jobtrace's never show as missing time. Findings go on the span twice: as events with all their
   * numbers, and as tags a trace search can select on ({@code jobtrace.finding.<kind>=true}) and a
   * tag table shows at once ({@code jobtrace.findings}, {@code jobtrace.finding.top}).
   */
  public static void add(
      JobAnalysis.Result result,
      long spanNanos,
      long eventEpochNanos,
      AttributesBuilder attributes,
      List<EventData> events) {
    long waitedMillis = 0;
    for (CallKind kind : CallKind.values()) {
      long millis = result.waitedNanos[kind.ordinal()] / 1_000_000;
      waitedMillis += millis;
      attributes.put(AttributeKey.longKey("jobtrace.time." + kind.label + "_ms"), millis);
      attributes.put(
          AttributeKey.longKey("jobtrace.calls." + kind.label), result.calls[kind.ordinal()]);
    }
    attributes.put(SpanContract.TIME_OTHER_MS, Math.max(0, spanNanos / 1_000_000 - waitedMillis));
    Set<String> kinds = new LinkedHashSet<>();
    for (Finding f : result.findings) {
      if (kinds.isEmpty()) {
        attributes.put(SpanContract.FINDING_TOP, f.kind() + ": " + f.summary());
      }
      if (kinds.add(f.kind())) {
        attributes.put(AttributeKey.booleanKey("jobtrace.finding." + f.kind()), true);
      }
      AttributesBuilder event =
          Attributes.builder()
              .put(SpanContract.FINDING_KIND, f.kind())
              .put(SpanContract.FINDING_SUMMARY, f.summary())
              .put(SpanContract.FINDING_COUNT, f.count())
              .put(SpanContract.FINDING_TOTAL_MS, f.totalMillis())
              .put(SpanContract.FINDING_MAX_MS, f.maxMillis())
              .put(SpanContract.FINDING_STATEMENT, f.statement());
      if (f.fix() != null) {
        event.put(SpanContract.FINDING_FIX, f.fix());
      }
      if (f.calledFrom() != null) {
        event.put(SpanContract.FINDING_CALLED_FROM, f.calledFrom());
      }
      events.add(EventData.create(eventEpochNanos, SpanContract.FINDING_EVENT, event.build()));
    }
    if (!kinds.isEmpty()) {
      attributes.put(SpanContract.FINDINGS, String.join(",", kinds));
    }
  }
}
