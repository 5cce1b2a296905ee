package dev.jobtrace.job;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.Arrays;
import java.util.List;

/**
 * The histograms a team watches to find which job is slow before it looks at a trace: job duration
 * and queue latency by job name and outcome.
 */
final class JobMetrics {

  /** Seconds; jobs run from milliseconds to hours. */
  static final List<Double> BUCKETS =
      Arrays.asList(
          0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
          3600.0);

  private volatile DoubleHistogram duration;
  private volatile DoubleHistogram queueLatency;

  void record(String name, String system, String outcome, long durationNanos, Long queueLatencyMs) {
    if (duration == null) {
      create();
    }
    Attributes byJob =
        Attributes.of(
            SpanContract.JOB_NAME,
            name,
            SpanContract.JOB_SYSTEM,
            system,
            SpanContract.JOB_OUTCOME,
            outcome);
    duration.record(durationNanos / 1e9, byJob);
    if (queueLatencyMs != null) {
      queueLatency.record(queueLatencyMs / 1e3, byJob);
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
            .histogramBuilder("jobtrace.job.queue_latency")
            .setUnit("s")
            .setDescription("Time from enqueue to the start of a job execution")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
    duration =
        meter
            .histogramBuilder("jobtrace.job.duration")
            .setUnit("s")
            .setDescription("Duration of job executions")
            .setExplicitBucketBoundariesAdvice(BUCKETS)
            .build();
  }
}
