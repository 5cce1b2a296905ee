package dev.jobtrace.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.KeyPatterns;
import dev.jobtrace.config.JobMethods;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.export.ExportGate;
import dev.jobtrace.job.JobSpanProcessor;
import dev.jobtrace.profiler.ProfileSettings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The export gate on the real SDK: job spans get their analysis, repeated calls collapse. */
class JobTraceExportTest {

  final InMemorySpanExporter exported = InMemorySpanExporter.create();

  /** A second exporter, as with {@code otel.traces.exporter=otlp,console}. */
  final InMemorySpanExporter second = InMemorySpanExporter.create();

  final JobTraceTracker tracker = new JobTraceTracker();
  SdkTracerProvider provider;

  static final AnalysisSettings NO_MINIMUM_TOTAL =
      new AnalysisSettings(
          5,
          Duration.ZERO,
          Duration.ofMillis(5),
          Duration.ofMillis(500),
          0.2,
          5,
          1000,
          2000,
          true,
          Duration.ofMillis(50),
          5,
          KeyPatterns.NONE,
          1.0,
          Duration.ofSeconds(1));

  /**
   * Profile settings with the profiler off, as in the tests here: the threshold, how often the
   * collector runs, and the keep marker's time.
   */
  static ProfileSettings settings(Duration threshold, Duration flushInterval, Duration markAfter) {
    return settings(threshold, false, flushInterval, markAfter);
  }

  static ProfileSettings settings(
      Duration threshold, boolean profiler, Duration flushInterval, Duration markAfter) {
    return new ProfileSettings(
        threshold,
        profiler,
        Duration.ofMillis(10),
        flushInterval,
        Duration.ofSeconds(5),
        10,
        65536,
        System.getProperty("java.io.tmpdir"),
        2000,
        List.of(),
        2048,
        true,
        markAfter);
  }

  Tracer tracer(AnalysisSettings analysis) {
    return tracer(analysis, false);
  }

  /** The SDK as the agent builds it: every exporting processor goes through the one gate. */
  Tracer tracer(AnalysisSettings analysis, boolean twoExporters) {
    tracker.start(
        settings(Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(10)), analysis);
    ExportGate gate = new ExportGate(tracker);
    var builder =
        SdkTracerProvider.builder()
            .addSpanProcessor(gate.guard(SimpleSpanProcessor.create(exported)));
    if (twoExporters) {
      builder.addSpanProcessor(gate.guard(SimpleSpanProcessor.create(second)));
    }
    provider = builder.addSpanProcessor(new JobSpanProcessor(JobMethods.none(), tracker)).build();
    return provider.get("test");
  }

  @AfterEach
  void close() {
    if (provider != null) {
      provider.shutdown();
    }
  }

  static Span job(Tracer tracer, String name) {
    return tracer
        .spanBuilder(name)
        .setAttribute("jobtrace.job.system", "method")
        .setAttribute("jobtrace.job.name", name)
        .startSpan();
  }

  static void redisGet(Tracer tracer, Span parent) {
    tracer
        .spanBuilder("GET")
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("db.system", "redis")
        .setAttribute("db.statement", "GET reference-data")
        .startSpan()
        .end();
  }

  static Span startRedisGet(Tracer tracer, Span parent) {
    return tracer
        .spanBuilder("GET")
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("db.system", "redis")
        .setAttribute("db.statement", "GET reference-data")
        .startSpan();
  }

  static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void identicalShortCallsLeaveAsOneCompositeAndTheJobCountsThemAll() {
    // No minimum total: in-memory calls take microseconds.
    Tracer tracer = tracer(NO_MINIMUM_TOTAL);
    Span job = job(tracer, "ReferenceJob.run");
    for (int i = 0; i < 1000; i++) {
      redisGet(tracer, job);
    }
    job.end();
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("redis GET ×1000", "ReferenceJob.run");
    SpanData composite = named(spans, "redis GET ×1000");
    assertThat(composite.getAttributes().get(AttributeKey.longKey("jobtrace.composite.count")))
        .isEqualTo(1000L);
    assertThat(composite.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
    assertThat(composite.getTraceId()).isEqualTo(job.getSpanContext().getTraceId());
    SpanData jobData = named(spans, "ReferenceJob.run");
    assertThat(jobData.getAttributes().get(AttributeKey.longKey("jobtrace.calls.redis")))
        .isEqualTo(1000L);
    assertThat(jobData.getEvents()).extracting(e -> e.getName()).contains("jobtrace.finding");
  }

  /** A call of 1 ms by its own clock, so a pause of the test's machine cannot make it slow. */
  static void call(Tracer tracer, Span parent, String system, String name, String statement) {
    Instant start = Instant.now();
    tracer
        .spanBuilder(name)
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("db.system", system)
        .setAttribute("db.statement", statement)
        .setStartTimestamp(start)
        .startSpan()
        .end(start.plusMillis(1));
  }

  @Test
  void aLoopOfTwoCallsPerRecordLeavesAsOneCompositePerShapeAndOneSequenceFinding() {
    Tracer tracer = tracer(NO_MINIMUM_TOTAL);
    Span job = job(tracer, "AccountsJob.run");
    for (int i = 0; i < 300; i++) {
      call(tracer, job, "redis", "GET", "GET acct:" + (10_000 + i));
      call(tracer, job, "redis", "HGET", "HGET prefs:" + (10_000 + i) + " lang");
    }
    job.end();
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("redis GET ×300", "redis HGET ×300", "AccountsJob.run");
    assertThat(
            named(spans, "redis HGET ×300")
                .getAttributes()
                .get(AttributeKey.stringKey("jobtrace.composite.shape")))
        .isEqualTo("HGET prefs:{id} lang");
    SpanData jobData = named(spans, "AccountsJob.run");
    assertThat(jobData.getAttributes().get(AttributeKey.stringKey("jobtrace.findings")))
        .isEqualTo("repeated_sequence");
    assertThat(jobData.getAttributes().get(SpanContract.KEEP)).isEqualTo("finding");
    var finding = jobData.getEvents().get(0).getAttributes();
    assertThat(finding.get(AttributeKey.stringKey("jobtrace.finding.statement")))
        .isEqualTo("GET acct:{id} → HGET prefs:{id} lang");
    assertThat(finding.get(AttributeKey.longKey("jobtrace.finding.count"))).isEqualTo(300L);
    assertThat(finding.get(AttributeKey.stringKey("jobtrace.finding.fix"))).contains("MGET");
  }

  @Test
  void aFifthShapeUnderOneParentClosesTheRunUsedLeastRecently() {
    Tracer tracer = tracer(NO_MINIMUM_TOTAL);
    Span job = job(tracer, "MixedJob.run");
    for (int i = 0; i < 6; i++) {
      call(tracer, job, "redis", "GET", "GET a:" + i);
    }
    for (String key : new String[] {"b", "c", "d", "e"}) {
      call(tracer, job, "redis", "GET", "GET " + key + ":1");
    }
    for (int i = 0; i < 6; i++) {
      call(tracer, job, "redis", "GET", "GET a:" + i);
    }
    job.end();
    tracker.drain();
    // The first six folded before the fifth shape came; the six after them are a new run.
    assertThat(exported.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            "redis GET ×6", "redis GET ×6", "GET", "GET", "GET", "GET", "MixedJob.run");
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
    assertThat(exported.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsOnly("GET", "SmallJob.run")
        .hasSize(5);
    // Fast, succeeded, nothing found: nothing marks its trace as one to keep.
    assertThat(
            named(exported.getFinishedSpanItems(), "SmallJob.run")
                .getAttributes()
                .get(SpanContract.KEEP))
        .isNull();
  }

  @Test
  void aFailedRunIsMarkedToKeep() {
    Tracer tracer = tracer(AnalysisSettings.defaults());
    Span job = job(tracer, "FailingJob.run");
    redisGet(tracer, job);
    job.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
    job.end();
    tracker.drain();
    assertThat(
            named(exported.getFinishedSpanItems(), "FailingJob.run")
                .getAttributes()
                .get(SpanContract.KEEP))
        .isEqualTo("failed");
  }

  /** A job span that began {@code ago} before now, as if it had been running that long. */
  static Span jobStartedAgo(Tracer tracer, String name, Duration ago) {
    return tracer
        .spanBuilder(name)
        .setAttribute("jobtrace.job.system", "method")
        .setAttribute("jobtrace.job.name", name)
        .setStartTimestamp(Instant.now().minus(ago))
        .startSpan();
  }

  @Test
  void aJobRunningPastTheMarkingTimeSendsItsKeepMarkerWhileItRuns() throws Exception {
    Tracer tracer = tracer(AnalysisSettings.defaults());
    Span longJob = jobStartedAgo(tracer, "LongJob.run", Duration.ofSeconds(12));
    Span shortJob = jobStartedAgo(tracer, "ShortJob.run", Duration.ofSeconds(3));
    redisGet(tracer, longJob);
    tracker.collectOnce(false);
    tracker.collectOnce(false);

    List<SpanData> markers =
        exported.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(SpanContract.KEEP_MARKER_NAME))
            .collect(Collectors.toList());
    assertThat(markers).as("one marker, for the job past 10 s only").hasSize(1);
    SpanData marker = markers.get(0);
    assertThat(marker.getTraceId()).isEqualTo(longJob.getSpanContext().getTraceId());
    assertThat(marker.getParentSpanId()).isEqualTo(longJob.getSpanContext().getSpanId());
    assertThat(marker.getSpanId()).isNotEqualTo(longJob.getSpanContext().getSpanId());
    assertThat(marker.getAttributes().get(SpanContract.KEEP)).isEqualTo("slow");
    assertThat(marker.getAttributes().get(SpanContract.KEEP_RUNNING_MS))
        .isBetween(12_000L, 20_000L);
    assertThat(marker.getAttributes().get(SpanContract.JOB_NAME)).as("not a job span").isNull();
    assertThat(marker.getEndEpochNanos()).isEqualTo(marker.getStartEpochNanos());
    assertThat(marker.hasEnded()).isTrue();
    assertThat(exported.getFinishedSpanItems().stream().map(SpanData::getName))
        .as("the jobs themselves are still running")
        .doesNotContain("LongJob.run", "ShortJob.run");

    longJob.end();
    shortJob.end();
    tracker.drain();
    List<String> names =
        exported.getFinishedSpanItems().stream()
            .map(SpanData::getName)
            .collect(Collectors.toList());
    assertThat(names).filteredOn(SpanContract.KEEP_MARKER_NAME::equals).hasSize(1);
    assertThat(
            named(exported.getFinishedSpanItems(), "LongJob.run")
                .getAttributes()
                .get(SpanContract.KEEP))
        .isEqualTo("slow");
  }

  @Test
  void aMarkingTimeOfZeroSendsNoMarker() throws Exception {
    tracker.start(
        settings(Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ZERO),
        AnalysisSettings.defaults());
    Tracer tracer = tracer(AnalysisSettings.defaults());
    Span longJob = jobStartedAgo(tracer, "LongJob.run", Duration.ofSeconds(60));
    tracker.collectOnce(false);
    longJob.end();
    tracker.drain();
    assertThat(exported.getFinishedSpanItems().stream().map(SpanData::getName))
        .containsExactly("LongJob.run");
  }

  @Test
  void aThresholdAboveTheMarkingTimeHoldsTheMarkerUntilTheJobIsSlow() throws Exception {
    tracker.start(
        settings(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(10)),
        AnalysisSettings.defaults());
    Tracer tracer = tracer(AnalysisSettings.defaults());
    Span notYetSlow = jobStartedAgo(tracer, "NotYetSlowJob.run", Duration.ofSeconds(20));
    Span slow = jobStartedAgo(tracer, "SlowJob.run", Duration.ofSeconds(40));
    tracker.collectOnce(false);
    List<SpanData> markers =
        exported.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(SpanContract.KEEP_MARKER_NAME))
            .collect(Collectors.toList());
    assertThat(markers).hasSize(1);
    assertThat(markers.get(0).getTraceId()).isEqualTo(slow.getSpanContext().getTraceId());
    notYetSlow.end();
    slow.end();
  }

  @Test
  void jobsBeyondTheLimitRunWithoutBreakdown() {
    AnalysisSettings two =
        new AnalysisSettings(
            5,
            Duration.ofMillis(50),
            Duration.ofMillis(5),
            Duration.ofMillis(500),
            0.2,
            5,
            2,
            2000,
            true,
            Duration.ofMillis(50),
            5,
            KeyPatterns.NONE,
            1.0,
            Duration.ofSeconds(1));
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
    assertThat(named(exported.getFinishedSpanItems(), "D").getAttributes().get(calls))
        .isEqualTo(0L);
    assertThat(spans.stream().map(SpanData::getName).collect(Collectors.toList()))
        .containsExactlyInAnyOrder("A", "B", "C");
  }

  @Test
  void everyConfiguredExporterGetsEverySpanExactlyOnce() {
    Tracer tracer = tracer(NO_MINIMUM_TOTAL, true);
    Span job = job(tracer, "ReferenceJob.run");
    for (int i = 0; i < 20; i++) {
      redisGet(tracer, job);
    }
    for (int i = 0; i < 3; i++) {
      tracer
          .spanBuilder("SELECT")
          .setParent(Context.root().with(job))
          .setSpanKind(SpanKind.CLIENT)
          .setAttribute("db.system", "postgresql")
          .setAttribute("db.statement", "SELECT " + i)
          .startSpan()
          .end();
    }
    job.end();
    tracker.drain();
    for (InMemorySpanExporter exporter : List.of(exported, second)) {
      List<SpanData> spans = exporter.getFinishedSpanItems();
      assertThat(spans)
          .extracting(SpanData::getName)
          .containsExactlyInAnyOrder(
              "redis GET ×20", "SELECT", "SELECT", "SELECT", "ReferenceJob.run");
      assertThat(
              named(spans, "redis GET ×20")
                  .getAttributes()
                  .get(AttributeKey.longKey("jobtrace.composite.count")))
          .isEqualTo(20L);
      assertThat(
              named(spans, "ReferenceJob.run")
                  .getAttributes()
                  .get(AttributeKey.longKey("jobtrace.calls.redis")))
          .isEqualTo(20L);
    }
    assertThat(second.getFinishedSpanItems())
        .extracting(SpanData::getSpanId)
        .containsExactlyInAnyOrderElementsOf(
            exported.getFinishedSpanItems().stream()
                .map(SpanData::getSpanId)
                .collect(Collectors.toList()));
  }

  @Test
  void aFailedCallInARunLeavesOnItsOwnAndTheCompositeCountsIt() {
    Tracer tracer = tracer(NO_MINIMUM_TOTAL);
    Span job = job(tracer, "ReferenceJob.run");
    for (int i = 0; i < 10; i++) {
      Span get = startRedisGet(tracer, job);
      if (i == 4 || i == 7) {
        get.setStatus(StatusCode.ERROR, "READONLY You can't write against a read only replica");
      }
      get.end();
    }
    job.end();
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("redis GET ×8", "GET", "GET", "ReferenceJob.run");
    assertThat(spans.stream().filter(s -> s.getName().equals("GET")))
        .allMatch(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
        .allMatch(s -> s.getParentSpanId().equals(job.getSpanContext().getSpanId()));
    SpanData composite = named(spans, "redis GET ×8");
    assertThat(composite.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(composite.getAttributes().get(AttributeKey.longKey("jobtrace.composite.failed")))
        .isEqualTo(2L);
    assertThat(
            named(spans, "ReferenceJob.run")
                .getAttributes()
                .get(AttributeKey.longKey("jobtrace.calls.redis")))
        .isEqualTo(10L);
  }

  @Test
  void callsThatEndAfterTheirJobLeaveWithoutWaitingForAFlush() {
    Tracer tracer = tracer(NO_MINIMUM_TOTAL);
    Span job = job(tracer, "FireAndForgetJob.run");
    List<Span> late = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      late.add(startRedisGet(tracer, job));
    }
    job.end();
    late.forEach(Span::end);
    // No drain: nothing may wait for a shutdown that a killed JVM never has.
    assertThat(exported.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsOnly("GET")
        .hasSize(8);
    tracker.drain();
    assertThat(exported.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .contains("FireAndForgetJob.run")
        .hasSize(9);
  }

  @Test
  void withoutTheContextHookSlowSpansSayWhyInsteadOfTooFewSamples() {
    // The profiler really runs here; only the hook that follows context activation is missing.
    tracker.activationUnavailable(
        "context activation cannot be followed (the storage was already in use)");
    tracker.start(
        settings(Duration.ZERO, true, Duration.ofSeconds(60), Duration.ofSeconds(10)),
        AnalysisSettings.defaults());
    provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(new ExportGate(tracker).guard(SimpleSpanProcessor.create(exported)))
            .addSpanProcessor(new JobSpanProcessor(JobMethods.none(), tracker))
            .build();
    Span job = job(provider.get("test"), "NightlyJob.run");
    job.end();
    tracker.drain();
    SpanData exportedJob = named(exported.getFinishedSpanItems(), "NightlyJob.run");
    assertThat(exportedJob.getAttributes().get(AttributeKey.stringKey("jobtrace.profile.error")))
        .isEqualTo("context activation cannot be followed (the storage was already in use)");
  }

  /** A run that waited {@code waitMs} in its queue and ran {@code runMs}, by its own clock. */
  SpanData queuedRun(Tracer tracer, String name, long waitMs, long runMs) {
    Instant start = Instant.now();
    tracer
        .spanBuilder(name)
        .setAttribute("jobtrace.job.system", "quartz")
        .setAttribute("jobtrace.job.name", name)
        .setAttribute("jobtrace.job.queue_latency_ms", waitMs)
        .setStartTimestamp(start)
        .startSpan()
        .end(start.plusMillis(runMs));
    tracker.drain();
    List<SpanData> spans = exported.getFinishedSpanItems();
    return spans.get(spans.size() - 1);
  }

  static List<io.opentelemetry.api.common.Attributes> findingEvents(SpanData span) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals("jobtrace.finding"))
        .map(e -> e.getAttributes())
        .collect(Collectors.toList());
  }

  @Test
  void aRunThatWaitedLongerThanItRanSaysSoAndComparesWithTheJobsEarlierRuns() {
    Tracer tracer = tracer(dev.jobtrace.analysis.QueueWaitsTest.DEFAULTS);
    SpanData first = queuedRun(tracer, "reports.daily", 3000, 20);
    assertThat(first.getName()).isEqualTo("reports.daily");
    List<io.opentelemetry.api.common.Attributes> findings = findingEvents(first);
    assertThat(findings).hasSize(1);
    var waited = findings.get(0);
    assertThat(waited.get(AttributeKey.stringKey("jobtrace.finding.kind"))).isEqualTo("queue_wait");
    assertThat(waited.get(AttributeKey.stringKey("jobtrace.finding.summary")))
        .isEqualTo(
            "waited 3.0 s in the queue before it ran: 150× its 20 ms run;"
                + " no earlier runs of this job to compare with");
    assertThat(waited.get(AttributeKey.longKey("jobtrace.finding.count"))).isEqualTo(1L);
    assertThat(waited.get(AttributeKey.longKey("jobtrace.finding.total_ms"))).isEqualTo(3000L);
    assertThat(waited.get(AttributeKey.longKey("jobtrace.finding.max_ms"))).isEqualTo(3000L);
    assertThat(waited.get(AttributeKey.stringKey("jobtrace.finding.statement")))
        .isEqualTo("reports.daily");
    assertThat(waited.get(AttributeKey.stringKey("jobtrace.finding.fix"))).contains("workers");
    var tags = first.getAttributes();
    assertThat(tags.get(AttributeKey.stringKey("jobtrace.findings"))).isEqualTo("queue_wait");
    assertThat(tags.get(AttributeKey.booleanKey("jobtrace.finding.queue_wait"))).isTrue();
    assertThat(tags.get(AttributeKey.stringKey("jobtrace.finding.top")))
        .startsWith("queue_wait: waited 3.0 s in the queue");

    // A run that hardly waited: no finding, but its wait counts towards the job's usual one.
    SpanData second = queuedRun(tracer, "reports.daily", 40, 20);
    assertThat(findingEvents(second)).isEmpty();
    assertThat(second.getAttributes().get(AttributeKey.stringKey("jobtrace.findings"))).isNull();

    SpanData third = queuedRun(tracer, "reports.daily", 6000, 20);
    assertThat(findingEvents(third))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.get(AttributeKey.stringKey("jobtrace.finding.summary")))
                    .isEqualTo(
                        "waited 6.0 s in the queue before it ran: 300× its 20 ms run,"
                            + " 3.9× this job's usual 1.5 s wait (median of 2 earlier runs)"));

    // Another job has a history of its own.
    assertThat(findingEvents(queuedRun(tracer, "imports.nightly", 2000, 20)))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.get(AttributeKey.stringKey("jobtrace.finding.summary")))
                    .endsWith("; no earlier runs of this job to compare with"));
  }
}
