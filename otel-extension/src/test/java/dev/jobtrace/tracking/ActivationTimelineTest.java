package dev.jobtrace.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActivationTimelineTest {

  @Test
  void sampleTimeFindsTheSpanCurrentThen() {
    ActivationTimeline timeline = new ActivationTimeline();
    ActivationTimeline.ThreadLog log = timeline.current();
    SpanNode job = new SpanNode("a", null, 0);
    SpanNode query = new SpanNode("b", job, 0);
    log.switchTo(job, 100);
    log.switchTo(query, 200);
    log.switchTo(job, 300);
    log.switchTo(null, 400);
    long tid = Thread.currentThread().getId();
    assertThat(timeline.spanAt(tid, 50)).isNull();
    assertThat(timeline.spanAt(tid, 100)).isSameAs(job);
    assertThat(timeline.spanAt(tid, 250)).isSameAs(query);
    assertThat(timeline.spanAt(tid, 399)).isSameAs(job);
    assertThat(timeline.spanAt(tid, 400)).isNull();
    assertThat(timeline.spanAt(tid + 1000, 250)).isNull();
  }

  @Test
  void pruningKeepsWhatIsCurrentAtTheWatermark() {
    ActivationTimeline timeline = new ActivationTimeline();
    ActivationTimeline.ThreadLog log = timeline.current();
    SpanNode job = new SpanNode("a", null, 0);
    SpanNode query = new SpanNode("b", job, 0);
    log.switchTo(job, 100);
    log.switchTo(query, 200);
    timeline.prune(250);
    long tid = Thread.currentThread().getId();
    assertThat(timeline.spanAt(tid, 260)).isSameAs(query);
    log.switchTo(null, 300);
    timeline.prune(350);
    assertThat(timeline.spanAt(tid, 360)).isNull();
  }

  @Test
  void aThreadThatEndedKeepsItsLastSpanUntilTheWatermarkPassesItsEnd() throws Exception {
    ActivationTimeline timeline = new ActivationTimeline();
    SpanNode job = new SpanNode("a", null, 0);
    long[] id = new long[1];
    // A worker thread that ends right after its job: its last samples come in the next flush.
    Thread worker =
        new Thread(
            () -> {
              ActivationTimeline.ThreadLog log = timeline.current();
              log.switchTo(job, 100);
              log.switchTo(null, 500);
              id[0] = Thread.currentThread().getId();
            });
    worker.start();
    worker.join();
    timeline.prune(300);
    assertThat(timeline.spanAt(id[0], 400)).as("read after the thread ended").isSameAs(job);
    timeline.prune(600);
    assertThat(timeline.spanAt(id[0], 400)).as("forgotten once all is read").isNull();
  }

  @Test
  void logIsBoundedPerThread() {
    ActivationTimeline timeline = new ActivationTimeline();
    ActivationTimeline.ThreadLog log = timeline.current();
    SpanNode job = new SpanNode("a", null, 0);
    for (int i = 0; i < ActivationTimeline.MAX_SWITCHES_PER_THREAD * 3; i++) {
      log.switchTo(i % 2 == 0 ? job : null, i);
    }
    long tid = Thread.currentThread().getId();
    long last = ActivationTimeline.MAX_SWITCHES_PER_THREAD * 3 - 1;
    assertThat(timeline.spanAt(tid, last - 1)).isSameAs(job);
    // The oldest switches were dropped: nothing is known that far back.
    assertThat(timeline.spanAt(tid, 10)).isNull();
  }

  @Test
  void aCarrierSampleGoesToTheSpanOfTheVirtualThreadMountedThenAndNeverToTheCarriersOwnContext()
      throws Exception {
    ActivationTimeline timeline = new ActivationTimeline();
    Thread carrier = Thread.currentThread();
    Thread first = new Thread(() -> {});
    Thread second = new Thread(() -> {});
    ActivationTimeline.ThreadLog a = new ActivationTimeline.ThreadLog(first);
    ActivationTimeline.ThreadLog b = new ActivationTimeline.ThreadLog(second);
    SpanNode jobA = new SpanNode("a", null, 0);
    SpanNode jobB = new SpanNode("b", null, 0);
    a.switchTo(jobA, 10);
    b.switchTo(jobB, 10);
    ActivationTimeline.CarrierLog log = timeline.carrier(carrier);
    // Far more mounts than one segment holds: a virtual thread parking on every Redis reply.
    int mounts = ActivationTimeline.CarrierLog.SEGMENT * 3 + 7;
    for (int i = 0; i < mounts; i++) {
      log.switchTo(i % 2 == 0 ? a : b, 100 + i * 10L);
      log.switchTo(null, 105 + i * 10L);
    }
    long tid = carrier.getId();
    assertThat(timeline.spanAt(tid, 50)).isNull();
    assertThat(timeline.spanAt(tid, 102)).isSameAs(jobA);
    assertThat(timeline.spanAt(tid, 107)).isNull();
    assertThat(timeline.spanAt(tid, 112)).isSameAs(jobB);
    long lastMount = 100 + (mounts - 1) * 10L;
    assertThat(timeline.spanAt(tid, lastMount + 2)).isSameAs((mounts - 1) % 2 == 0 ? jobA : jobB);

    timeline.prune(lastMount);
    // Old segments are gone; what was mounted at the watermark is still known.
    assertThat(timeline.spanAt(tid, lastMount + 2)).isSameAs((mounts - 1) % 2 == 0 ? jobA : jobB);
    assertThat(timeline.spanAt(tid, 102)).isNull();
  }
}
