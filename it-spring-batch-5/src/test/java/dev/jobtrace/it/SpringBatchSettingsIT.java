package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.SpringBatch5Worker;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import dev.jobtrace.testing.WithServers;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The two Spring Batch settings: {@code otel.jobtrace.spring-batch.parameter-values} puts the job
 * parameters' values on the job span, {@code otel.jobtrace.bookkeeping.traced} traces the job
 * repository's SQL like the job's own.
 */
class SpringBatchSettingsIT extends WithServers {

  @Test
  void parameterValuesAndTheRepositorysSqlAppearWhenTheSettingsAskForThem() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          servers
              .configure(AgentProcess.of(SpringBatch5Worker.class, receiver))
              .set("otel.jobtrace.spring-batch.parameter-values", "true")
              .set("otel.jobtrace.bookkeeping.traced", "true")
              .run(240);
      assertThat(result.output).contains("batch jobs finished");
      List<ExportedSpan> spans = receiver.spans();
      ExportedSpan job =
          JobRunrJobSpansIT.only(
              spans.stream()
                  .filter(s -> "import-customers".equals(s.attr("jobtrace.job.name")))
                  .collect(Collectors.toList()),
              "import-customers' job span");
      assertThat(job.attr("jobtrace.job.parameter.source")).isEqualTo("crm-export.csv");
      assertThat(job.attr("jobtrace.job.parameter.run")).isEqualTo("1");
      assertThat(job.longAttr("jobtrace.job.bookkeeping_calls")).isEqualTo(0L);
      // The repository's updates at each chunk commit, in the job's trace.
      assertThat(spans)
          .filteredOn(s -> s.traceId().equals(job.traceId()))
          .anySatisfy(
              s ->
                  assertThat(s.name())
                      .startsWith("UPDATE")
                      .containsIgnoringCase("batch_step_execution"));
      assertThat(receiver.metrics())
          .noneSatisfy(m -> assertThat(m.getName()).isEqualTo("jobtrace.bookkeeping.untraced"));
    }
  }
}
