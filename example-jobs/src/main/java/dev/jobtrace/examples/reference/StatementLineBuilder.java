package dev.jobtrace.examples.reference;

/**
 * Builds one statement line. The slow variant's builder memoizes the reference data on itself, one
 * level too low: every record gets a new builder, so every record fetches the data again.
 */
final class StatementLineBuilder {
  private final int record;
  private String rates;

  /** Slow: the builder fetches (and memoizes, uselessly) the reference data itself. */
  StatementLineBuilder(int record) {
    this.record = record;
  }

  /** Fixed: the reference data is fetched once per batch and handed in. */
  StatementLineBuilder(int record, String rates) {
    this.record = record;
    this.rates = rates;
  }

  String build() {
    return "line " + record + " priced with " + rates().length() + " bytes of rates";
  }

  private String rates() {
    if (rates == null) {
      rates = ReferenceData.fetch();
    }
    return rates;
  }
}
