package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.Finding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuHotspotsTest {

  static final long INTERVAL = 10_000_000;
  static final String JACKSON =
      "java.lang.Thread.run_[j];com.acme.ExportJob.run_[j];com.acme.ExportJob.send_[j];"
          + "com.fasterxml.jackson.databind.ObjectMapper.writeValueAsBytes_[j];"
          + "java.util.HashMap.get_[i]";
  static final String SLEEP = "java.lang.Thread.run;com.acme.ExportJob.run;java.lang.Thread.sleep";
  static final String PG =
      "java.lang.Thread.run;com.acme.ExportJob.run;org.postgresql.core.v3.QueryExecutorImpl.processResults";

  static List<Finding> find(Map<String, long[]> stacks) {
    return CpuHotspots.find(
        stacks, INTERVAL, new HotFrames(List.of()), AnalysisSettings.defaults());
  }

  @Test
  void aFamilyOverTheShareAndTheTimeIsNamedWithItsCaller() {
    Map<String, long[]> stacks = new HashMap<>();
    stacks.put(JACKSON, new long[] {60, 0});
    stacks.put(SLEEP, new long[] {40, 1});
    List<Finding> found = find(stacks);
    assertThat(found).hasSize(1);
    Finding f = found.get(0);
    assertThat(f.kind()).isEqualTo("cpu_hotspot");
    assertThat(f.summary())
        .isEqualTo(
            "60% of the job computing in Jackson (serialization), 0.6 s, called from ExportJob.send");
    assertThat(f.statement()).isEqualTo("Jackson (serialization)");
    assertThat(f.calledFrom()).isEqualTo("ExportJob.send");
    assertThat(f.count()).isEqualTo(60);
    assertThat(f.totalMillis()).isEqualTo(600);
  }

  @Test
  void belowTheShareOrTheTimeThereIsNone() {
    Map<String, long[]> small = new HashMap<>();
    small.put(JACKSON, new long[] {19, 0});
    small.put(SLEEP, new long[] {81, 1});
    assertThat(find(small)).as("19% of the samples").isEmpty();

    Map<String, long[]> short_ = new HashMap<>();
    short_.put(JACKSON, new long[] {40, 0});
    short_.put(SLEEP, new long[] {10, 1});
    assertThat(find(short_)).as("80%, but 0.4 s").isEmpty();
  }

  @Test
  void waitingAndDriverWorkAreNoHotspot() {
    Map<String, long[]> stacks = new HashMap<>();
    stacks.put(SLEEP, new long[] {500, 0});
    stacks.put(PG, new long[] {500, 1});
    stacks.put("other", new long[] {500, 2});
    assertThat(find(stacks)).isEmpty();
  }
}
