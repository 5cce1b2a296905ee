package dev.jobtrace.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferingExporterTest {

  /** A backend that can be taken down, or made to hang until released. */
  static final class Backend implements SpanExporter {
    final InMemorySpanExporter received = InMemorySpanExporter.create();
    volatile boolean down;
    volatile CountDownLatch hang;
    volatile int calls;

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      calls++;
      CountDownLatch h = hang;
      if (h != null) {
        try {
          h.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return down ? CompletableResultCode.ofFailure() : received.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  final List<String> lines = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (lines) {
            lines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  final Logger logger = Logger.getLogger(BufferingExporter.class.getName());

  @BeforeEach
  void listen() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(capture);
  }

  List<String> lines(String containing) {
    synchronized (lines) {
      return lines.stream().filter(l -> l.contains(containing)).collect(Collectors.toList());
    }
  }

  static List<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).collect(Collectors.toList());
  }

  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aHangingBackendDoesNotHoldUpTheCaller() throws Exception {
    Backend backend = new Backend();
    backend.hang = new CountDownLatch(1);
    BufferingExporter exporter = new BufferingExporter(backend, 1_000, 1 << 20);
    for (int i = 0; i < 5; i++) {
      CompletableResultCode r = exporter.export(List.of(OutageBufferTest.job("job-" + i)));
      assertThat(r.isDone() && r.isSuccess()).as("taken at once").isTrue();
    }
    backend.hang.countDown();
    await(() -> backend.received.getFinishedSpanItems().size() == 5);
    exporter.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void anOutageHoldsTheJobSpansShedsOthersAndDeliversOnceTheBackendIsBack() throws Exception {
    Backend backend = new Backend();
    backend.down = true;
    BufferingExporter exporter = new BufferingExporter(backend, 30, 1 << 20);
    for (int i = 0; i < 20; i++) {
      exporter.export(
          List.of(
              OutageBufferTest.job("job-" + i),
              OutageBufferTest.child("child-" + i + "a"),
              OutageBufferTest.child("child-" + i + "b")));
    }
    await(() -> backend.calls >= 2);
    assertThat(exporter.flush().join(1, TimeUnit.SECONDS).isSuccess())
        .as("a flush while down fails at once, the spans staying held")
        .isFalse();
    backend.down = false;
    await(() -> exporter.flush().join(1, TimeUnit.SECONDS).isSuccess());
    List<String> received = names(backend.received.getFinishedSpanItems());
    assertThat(received.stream().filter(n -> n.startsWith("job-"))).hasSize(20);
    assertThat(received).hasSize(30);
    assertThat(lines("failing")).hasSize(1);
    assertThat(lines("recovered"))
        .singleElement()
        .asString()
        .contains("delivering the 30 spans held, 30 other spans and 0 worth keeping were shed");
    exporter.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void shutdownWhileDownGivesUpAfterItsGraceAndSaysWhatWasLost() throws Exception {
    Backend backend = new Backend();
    backend.down = true;
    BufferingExporter exporter = new BufferingExporter(backend, 100, 1 << 20);
    exporter.export(List.of(OutageBufferTest.job("job"), OutageBufferTest.child("child")));
    await(() -> backend.calls >= 1);
    CompletableResultCode stopped = exporter.shutdown();
    assertThat(
            stopped
                .join(BufferingExporter.SHUTDOWN_GRACE_MILLIS + 15_000, TimeUnit.MILLISECONDS)
                .isSuccess())
        .isTrue();
    assertThat(lines("not delivered")).singleElement().asString().contains("2 held spans");
    assertThat(exporter.export(List.of(OutageBufferTest.job("late"))).isSuccess()).isFalse();
  }

  @Test
  void spansHeldAtShutdownWaitOnDiskAndTheNextStartDeliversThemFirst(@TempDir Path dir)
      throws Exception {
    Backend backend = new Backend();
    backend.down = true;
    BufferingExporter first = new BufferingExporter(backend, 100, 1 << 20, dir.toString());
    first.export(List.of(OutageBufferTest.job("job"), OutageBufferTest.child("child")));
    await(() -> backend.calls >= 1);
    first.shutdown().join(BufferingExporter.SHUTDOWN_GRACE_MILLIS + 15_000, TimeUnit.MILLISECONDS);
    assertThat(lines("for the next start"))
        .singleElement()
        .asString()
        .contains("2 held spans written to " + dir.resolve("Backend"))
        .contains("0 not kept");

    backend.down = false;
    BufferingExporter next = new BufferingExporter(backend, 100, 1 << 20, dir.toString());
    next.export(List.of(OutageBufferTest.job("new")));
    await(() -> backend.received.getFinishedSpanItems().size() == 3);
    List<SpanData> received = backend.received.getFinishedSpanItems();
    assertThat(names(received)).containsExactlyInAnyOrder("job", "child", "new");
    SpanData job = received.stream().filter(r -> r.getName().equals("job")).findFirst().get();
    SpanData original = OutageBufferTest.job("job");
    assertThat(job.getAttributes()).isEqualTo(original.getAttributes());
    assertThat(job.getSpanContext().getTraceId()).isEqualTo(original.getSpanContext().getTraceId());
    assertThat(lines("an earlier shutdown left"))
        .singleElement()
        .asString()
        .contains("delivering 2 spans");
    next.shutdown().join(10, TimeUnit.SECONDS);

    // Delivered once: a third start finds nothing.
    BufferingExporter third = new BufferingExporter(backend, 100, 1 << 20, dir.toString());
    third.export(List.of(OutageBufferTest.job("third")));
    await(() -> backend.received.getFinishedSpanItems().size() == 4);
    third.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(names(backend.received.getFinishedSpanItems()))
        .containsExactlyInAnyOrder("job", "child", "new", "third");
  }

  @Test
  void aSpillDirectoryThatCannotBeUsedLeavesSpansInMemoryWithOneLine(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    Backend backend = new Backend();
    BufferingExporter exporter = new BufferingExporter(backend, 100, 1 << 20, file.toString());
    exporter.export(List.of(OutageBufferTest.job("job")));
    await(() -> backend.received.getFinishedSpanItems().size() == 1);
    exporter.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(lines("cannot be used"))
        .singleElement()
        .asString()
        .contains(file.toString())
        .contains("not kept for the next start");
  }
}
