package dev.jobtrace.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.contract.SpanContract;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OutageBufferTest {

  static SpanData span(String name, Attributes attributes) {
    return TestSpanData.builder()
        .setName(name)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .setAttributes(attributes)
        .build();
  }

  static SpanData job(String name) {
    return span(name, Attributes.of(SpanContract.JOB_NAME, name));
  }

  static SpanData child(String name) {
    return span(name, Attributes.empty());
  }

  static List<String> names(List<OutageBuffer.Held> held) {
    return held.stream().map(h -> h.span().getName()).collect(Collectors.toList());
  }

  @Test
  void jobSpansFindingsProfilesCompositesAndErrorsAreWorthKeepingOtherSpansAreNot() {
    assertThat(OutageBuffer.worthKeeping(job("job"))).isTrue();
    assertThat(
            OutageBuffer.worthKeeping(
                span("batch", Attributes.of(SpanContract.COMPOSITE_COUNT, 40L))))
        .isTrue();
    assertThat(
            OutageBuffer.worthKeeping(span("GET", Attributes.of(SpanContract.PROFILE_ID, "abc"))))
        .isTrue();
    SpanData withFinding =
        TestSpanData.builder()
            .setName("SELECT")
            .setKind(SpanKind.CLIENT)
            .setStartEpochNanos(1)
            .setEndEpochNanos(2)
            .setHasEnded(true)
            .setStatus(StatusData.unset())
            .setEvents(List.of(EventData.create(2, SpanContract.FINDING_EVENT, Attributes.empty())))
            .build();
    assertThat(OutageBuffer.worthKeeping(withFinding)).isTrue();
    SpanData failed =
        TestSpanData.builder()
            .setName("GET")
            .setKind(SpanKind.CLIENT)
            .setStartEpochNanos(1)
            .setEndEpochNanos(2)
            .setHasEnded(true)
            .setStatus(StatusData.error())
            .build();
    assertThat(OutageBuffer.worthKeeping(failed)).isTrue();
    assertThat(OutageBuffer.worthKeeping(child("GET user:1"))).isFalse();
  }

  @Test
  void pastTheCountTheOldestOtherSpansGoFirstThenNewJobSpansAreRefused() {
    OutageBuffer buffer = new OutageBuffer(4, Long.MAX_VALUE);
    buffer.add(child("c1"));
    buffer.add(job("j1"));
    buffer.add(child("c2"));
    buffer.add(child("c3"));
    buffer.add(job("j2")); // sheds c1
    buffer.add(job("j3")); // sheds c2
    buffer.add(child("c4")); // sheds c3
    assertThat(buffer.shedOther()).isEqualTo(3);
    buffer.add(job("j4")); // sheds c4
    buffer.add(job("j5")); // only jobs left: refused
    assertThat(buffer.shedOther()).isEqualTo(4);
    assertThat(buffer.shedKept()).isEqualTo(1);
    assertThat(names(buffer.take(10))).containsExactly("j1", "j2", "j3", "j4");
    assertThat(buffer.size()).isZero();
    assertThat(buffer.bytes()).isZero();
  }

  @Test
  void theByteBoundShedsLikeTheCountAndAnOversizedSpanIsRefused() {
    long one = OutageBuffer.estimatedBytes(child("c1"));
    OutageBuffer buffer = new OutageBuffer(1_000, 3 * one);
    buffer.add(child("c1"));
    buffer.add(child("c2"));
    buffer.add(child("c3"));
    assertThat(buffer.bytes()).isEqualTo(3 * one);
    buffer.add(child("c4"));
    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.bytes()).isLessThanOrEqualTo(3 * one);
    SpanData huge = span("job", Attributes.of(SpanContract.JOB_NAME, "x".repeat(10_000)));
    buffer.add(huge);
    assertThat(buffer.shedKept()).isEqualTo(1);
    assertThat(names(buffer.take(10))).doesNotContain("job");
  }

  @Test
  void aBatchPutBackGoesAheadOfNewerSpansAndTheBoundsStillHold() {
    OutageBuffer buffer = new OutageBuffer(3, Long.MAX_VALUE);
    buffer.add(job("j1"));
    buffer.add(child("c1"));
    List<OutageBuffer.Held> batch = buffer.take(2);
    buffer.add(job("j2"));
    buffer.add(child("c2"));
    buffer.putBack(batch); // 4 held: the oldest other span, c1, is shed
    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.shedOther()).isEqualTo(1);
    assertThat(names(buffer.take(10))).containsExactly("j1", "j2", "c2");
  }

  @Test
  void aSnippetWeighsWhatItCarries() {
    long plain = OutageBuffer.estimatedBytes(job("job"));
    SpanData profiled =
        TestSpanData.builder()
            .setName("job")
            .setKind(SpanKind.INTERNAL)
            .setStartEpochNanos(1)
            .setEndEpochNanos(2)
            .setHasEnded(true)
            .setStatus(StatusData.unset())
            .setAttributes(Attributes.of(SpanContract.JOB_NAME, "job"))
            .setEvents(
                List.of(
                    EventData.create(
                        2,
                        SpanContract.PROFILE_EVENT,
                        Attributes.of(SpanContract.PROFILE_FOLDED, "f".repeat(40_000)))))
            .build();
    assertThat(OutageBuffer.estimatedBytes(profiled) - plain).isBetween(40_000L, 40_200L);
  }
}
