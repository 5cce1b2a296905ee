package dev.jobtrace.tracking;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.config.JobMethods;
import dev.jobtrace.export.ExportGate;
import dev.jobtrace.job.JobSpanProcessor;
import dev.jobtrace.profiler.HotFrames;
import dev.jobtrace.profiler.ProfileSnippet;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Lets the benchmarks time jobtrace's own work: snippet building, and the span pipeline per call.
 */
public final class BenchAccess {
  private BenchAccess() {}

  /**
   * The median time to build a span's snippet from {@code samples} samples, with or without its
   * timeline (the samples' order, kept as they are added).
   */
  public static double snippetBuildMillis(
      int samples, int distinctStacks, int depth, int builds, boolean timeline) {
    Random random = new Random(1);
    List<String> stacks = new ArrayList<>();
    for (int i = 0; i < distinctStacks; i++) {
      StringBuilder sb = new StringBuilder("java.lang.Thread.run");
      for (int d = 0; d < depth; d++) {
        sb.append(";com.example.service.Component")
            .append(random.nextInt(50))
            .append(".method")
            .append(random.nextInt(20));
      }
      stacks.add(sb.toString());
    }
    List<Long> nanos = new ArrayList<>();
    ActivationTimeline.ThreadLog thread = new ActivationTimeline.ThreadLog(Thread.currentThread());
    long interval = 10_000_000;
    for (int b = -50; b < builds; b++) {
      SpanNode node = new SpanNode("s", null, 0);
      for (int i = 0; i < samples; i++) {
        node.add(
            stacks.get(
                (int)
                    Math.min(
                        distinctStacks - 1, Math.abs(random.nextGaussian()) * distinctStacks / 3)),
            thread,
            i * interval,
            Integer.MAX_VALUE,
            interval,
            timeline ? 2048 : 0);
      }
      long t0 = System.nanoTime();
      ProfileSnippet.build(node.stacks, 65536, new HotFrames(List.of()), node.runs, 0, 65536);
      long t = System.nanoTime() - t0;
      if (b >= 0) {
        nanos.add(t);
      }
    }
    Collections.sort(nanos);
    return nanos.get(nanos.size() / 2) / 1e6;
  }

  /**
   * One job making {@code calls} Redis GETs, each for its record's own key ({@code GET user:20000},
   * ...), through the SDK as the agent builds it, spans exported over OTLP/HTTP in batches to
   * {@code endpoint}. {@code jobtrace} puts jobtrace's processors (job tracking, analysis, shapes,
   * composites; the profiler off, its cost is per sample, not per call) in front of the same
   * exporter. The batch queue holds every span, so neither arm drops any. Returns the process's CPU
   * nanos and the wall nanos from the job's start to the end of its export.
   */
  public static long[] perCallJob(boolean jobtrace, int calls, String endpoint) {
    SpanProcessor batch =
        BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build())
            .setMaxQueueSize(calls + 16)
            .build();
    SdkTracerProviderBuilder builder = SdkTracerProvider.builder();
    JobTraceTracker tracker = null;
    if (jobtrace) {
      tracker = new JobTraceTracker();
      tracker.start(
          JobTraceExportTest.settings(
              Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(10)),
          AnalysisSettings.defaults());
      builder
          .addSpanProcessor(new ExportGate(tracker).guard(batch))
          .addSpanProcessor(new JobSpanProcessor(JobMethods.none(), tracker));
    } else {
      builder.addSpanProcessor(batch);
    }
    SdkTracerProvider provider = builder.build();
    Tracer tracer = provider.get("bench");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Span job =
        tracer
            .spanBuilder("LookupJob.run")
            .setAttribute("jobtrace.job.system", "method")
            .setAttribute("jobtrace.job.name", "LookupJob.run")
            .startSpan();
    try (Scope scope = job.makeCurrent()) {
      for (int i = 0; i < calls; i++) {
        tracer
            .spanBuilder("GET")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", "redis")
            .setAttribute("db.statement", "GET user:" + (20_000 + i))
            .setAttribute("server.address", "localhost")
            .setAttribute("server.port", 6379L)
            .startSpan()
            .end();
      }
    }
    job.end();
    if (tracker != null) {
      tracker.drain();
    }
    provider.forceFlush().join(60, TimeUnit.SECONDS);
    long[] spent = {os.getProcessCpuTime() - cpu0, System.nanoTime() - t0};
    provider.shutdown().join(60, TimeUnit.SECONDS);
    if (tracker != null) {
      tracker.stop();
    }
    return spent;
  }
}
