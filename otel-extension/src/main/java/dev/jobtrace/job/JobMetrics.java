package dev.jobtrace.job;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.List;

/**
 * The histograms a team watches to find which job is slow before it looks at a trace: job duration
 * and queue latency by job name, outcome and service version. Each point is recorded in the job
 * span's context, so the SDK keeps the run's trace id as the bucket's exemplar: a slow bucket
 * points at a trace of that job.
 */
final class JobMetrics {

  /**
   * Seconds; jobs run from milliseconds to hours. About 1.5 apart, so that a p95 read off the
   * buckets (Prometheus interpolates within one) is within about a quarter of the true value: "p95
   * went from 214 s to 69 s" must be readable, not "from somewhere in 120–300 s to 60–120 s".
   */
  static final List<Double> BUCKETS =
      Arrays.asList(
          0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 1.5, 2.5, 4.0, 6.0, 10.0,
          15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 450.0, 600.0, 900.0,
          1200.0, 1800.0, 2700.0, 3600.0, 5400.0, 7200.0, 14400.0);

  private volatile DoubleHistogram duration;
  private volatile DoubleHistogram queueLatency;

  void record(
      SpanContext job,
      String version,
      String name,
      String system,
      String outcome,
      long durationNanos,
      Long queueLatencyMs) {
    if (duration == null) {
      create();
    }
    var byJob =
        Attributes.builder()
            .put(SpanContract.JOB_NAME, name)
            .put(SpanContract.JOB_SYSTEM, system)
            .put(SpanContract.JOB_OUTCOME, outcome);
    if (version != null && !version.isEmpty()) {
      byJob.put(SpanContract.METRIC_SERVICE_VERSION, version);
    }
    Attributes attributes = byJob.build();
    // The span has ended and is no longer current: its context is given explicitly.
    Context context = Context.root().with(Span.wrap(job));
    duration.record(durationNanos / 1e9, attributes, context);
    if (queueLatencyMs != null) {
      queueLatency.record(queueLatencyMs / 1e3, attributes, context);
    }
  }

  // The global meter exists only once the agent has built the SDK, after this extension is set up.
  private synchronized void create() {
    if (duration != null) {
      return;
    }
    Meter meter = GlobalOpenTelemetry.getMeter("dev.jobtrace");
    queueLatency =
        meter
            .histogramBuilder(SpanContract.METRIC_JOB_QUEUE_LATENCY)
            .setUnit("s")
            .setDescription("Time from enqueue to the start of a job execution")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    duration =
        meter
            .histogramBuilder(SpanContract.METRIC_JOB_DURATION)
            .setUnit("s")
            .setDescription("Duration of job executions")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
  }
}
