package dev.jobtrace.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallSequencesTest {

  static List<CallStats> shapes(int n) {
    List<CallStats> shapes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      shapes.add(new CallStats(i, CallKind.REDIS, "GET k" + i + ":{id}"));
    }
    return shapes;
  }

  static void call(CallSequences sequences, CallStats s) {
    s.add(0, 1);
    sequences.add(s);
  }

  @Test
  void pairsAreCappedAtTwiceTheShapesAndALoopSeenBeforeTheCapIsStillFound() {
    List<CallStats> shapes = shapes(50);
    CallSequences sequences = new CallSequences(10);
    for (int record = 0; record < 100; record++) {
      call(sequences, shapes.get(0));
      call(sequences, shapes.get(1));
    }
    // Then every other shape after every other: far more pairs than the cap.
    for (CallStats a : shapes.subList(2, 50)) {
      for (CallStats b : shapes.subList(2, 50)) {
        call(sequences, a);
        call(sequences, b);
      }
    }
    assertThat(sequences.pairs()).isEqualTo(20);
    List<CallSequences.Sequence> found = sequences.find(shapes, 5);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).steps())
        .extracting(s -> s.statement)
        .containsExactly("GET k0:{id}", "GET k1:{id}");
  }

  @Test
  void aLoopOfFourShapesIsFoundAndOneOfFiveIsNot() {
    for (int length : new int[] {4, 5}) {
      List<CallStats> shapes = shapes(length);
      CallSequences sequences = new CallSequences(100);
      for (int record = 0; record < 50; record++) {
        shapes.forEach(s -> call(sequences, s));
      }
      assertThat(sequences.find(shapes, 5))
          .as("loop of %d shapes", length)
          .hasSize(length == 4 ? 1 : 0);
    }
  }
}
