package dev.jobtrace.examples.reference;

import dev.jobtrace.examples.Backends;
import java.util.ArrayList;
import java.util.List;

/** Story 1: builds ~45,000 statement lines, each priced with the same reference data. */
public class ReferenceDataJob {

  static final int RECORDS = 45_000;
  static final int BATCH = 1_000;

  public void slow() {
    int records = Backends.scaled(RECORDS);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      lines.add(new StatementLineBuilder(i).build());
      flushIfFull(lines);
    }
  }

  public void fixed() {
    int records = Backends.scaled(RECORDS);
    List<String> lines = new ArrayList<>();
    for (int start = 0; start < records; start += BATCH) {
      String rates = ReferenceData.fetch();
      for (int i = start; i < Math.min(records, start + BATCH); i++) {
        lines.add(new StatementLineBuilder(i, rates).build());
      }
      flushIfFull(lines);
    }
  }

  private static void flushIfFull(List<String> lines) {
    if (lines.size() >= BATCH) {
      lines.clear();
    }
  }
}
