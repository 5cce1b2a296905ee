package dev.jobtrace.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.config.JobMethods;
import dev.jobtrace.job.JobSpanProcessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The export gate on the real SDK: job spans get their analysis, repeated calls collapse. */
class JobTraceExportTest {

  final InMemorySpanExporter exported = InMemorySpanExporter.create();
  final JobTraceTracker tracker = new JobTraceTracker();
  SdkTracerProvider provider;

  Tracer tracer(AnalysisSettings analysis) {
    tracker.start(
        new ProfileSettings(Duration.ofMillis(500), false, Duration.ofMillis(10), Duration.ofSeconds(60),
            Duration.ofSeconds(5), 10, 65536, System.getProperty("java.io.tmpdir")),
        analysis);
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ExportGate(SimpleSpanProcessor.create(exported), tracker))
            .addSpanProcessor(new JobSpanProcessor(JobMethods.none(), tracker))
            .build();
    return provider.get("test");
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.shutdown();
    }
  }

  static Span job(Tracer tracer, String name) {
    return tracer.spanBuilder(name).setAttribute("jobtrace.job.system", "method").setAttribute("jobtrace.job.name", name).startSpan();
  }

  static void redisGet(Tracer tracer, Span parent) {
    tracer.spanBuilder("GET").setParent(Context.root().with(parent)).setSpanKind(SpanKind.CLIENT)
        .setAttribute("db.system", "redis").setAttribute("db.statement", "GET reference-data").startSpan().end();
  }

  static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void identicalShortCallsLeaveAsOneCompositeAndTheJobCountsThemAll() {
    // No minimum total: in-memory calls take microseconds.
    Tracer tracer = tracer(new AnalysisSettings(5, Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(500), 0.2, 5, 1000, 2000, true, Duration.ofMillis(50), 5));
    Span job = job(tracer, "ReferenceJob.run");
    for (int i = 0; i < 1000; i++) {
      redisGet(tracer, job);
    }
    job.end();
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder("redis GET ×1000", "ReferenceJob.run");
    SpanData composite = named(spans, "redis GET ×1000");
    assertThat(composite.getAttributes().get(AttributeKey.longKey("jobtrace.composite.count"))).isEqualTo(1000L);
    assertThat(composite.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
    assertThat(composite.getTraceId()).isEqualTo(job.getSpanContext().getTraceId());
    SpanData jobData = named(spans, "ReferenceJob.run");
    assertThat(jobData.getAttributes().get(AttributeKey.longKey("jobtrace.calls.redis"))).isEqualTo(1000L);
    assertThat(jobData.getEvents()).extracting(e -> e.getName()).contains("jobtrace.finding");
  }

  @Test
  void shortRunsLeaveAsTheyCame() {
    Tracer tracer = tracer(AnalysisSettings.defaults());
    Span job = job(tracer, "SmallJob.run");
    for (int i = 0; i < 4; i++) {
      redisGet(tracer, job);
    }
    job.end();
    tracker.drain();
    assertThat(exported.getFinishedSpanItems()).extracting(SpanData::getName).containsOnly("GET", "SmallJob.run").hasSize(5);
  }

  @Test
  void jobsBeyondTheLimitRunWithoutBreakdown() {
    AnalysisSettings two = new AnalysisSettings(5, Duration.ofMillis(50), Duration.ofMillis(5), Duration.ofMillis(500), 0.2, 5, 2, 2000, true, Duration.ofMillis(50), 5);
    Tracer tracer = tracer(two);
    Span a = job(tracer, "A");
    Span b = job(tracer, "B");
    Span c = job(tracer, "C");
    c.end();
    b.end();
    a.end();
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    AttributeKey<Long> calls = AttributeKey.longKey("jobtrace.calls.redis");
    assertThat(named(spans, "A").getAttributes().get(calls)).isEqualTo(0L);
    assertThat(named(spans, "B").getAttributes().get(calls)).isEqualTo(0L);
    assertThat(named(spans, "C").getAttributes().get(calls)).isNull();
    // Once the first two have finished, a new job is analysed again.
    Span d = job(tracer, "D");
    d.end();
    tracker.drain();
    assertThat(named(exported.getFinishedSpanItems(), "D").getAttributes().get(calls)).isEqualTo(0L);
    assertThat(spans.stream().map(SpanData::getName).collect(Collectors.toList())).containsExactlyInAnyOrder("A", "B", "C");
  }
}
