package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.SpringBatch6Worker;
import dev.jobtrace.testing.ExportedSpan;
import org.junit.jupiter.api.Test;

/**
 * The Spring Batch job-span contract on Spring Batch 6 (the build's 6.x, or the oldest supported),
 * whose builders make the new {@code ChunkOrientedStep}; and the {@code TaskletStep} that its
 * deprecated builder methods still make.
 */
class SpringBatch6JobSpansIT extends SpringBatchJobSpansContract {

  @Override
  protected Class<?> worker() {
    return SpringBatch6Worker.class;
  }

  @Test
  void aStepBuiltWithTheDeprecatedChunkBuilderIsAStepWithItsChunksAsWell() {
    ExportedSpan job = jobRun("legacy-import");
    ExportedSpan step = step(job, "legacy");
    assertThat(step.longAttr("jobtrace.step.read_count")).isEqualTo(300L);
    assertThat(step.longAttr("jobtrace.step.chunks")).isBetween(3L, 4L);
    assertThat(step.longAttr("jobtrace.step.read_ms")).isNotNull();
    assertThat(calls(step, "GET")).isEqualTo(300L);
  }
}
