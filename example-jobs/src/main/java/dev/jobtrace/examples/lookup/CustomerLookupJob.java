package dev.jobtrace.examples.lookup;

import dev.jobtrace.examples.Backends;
import io.lettuce.core.KeyValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Story 1b, the classic N+1: each of 40,000 invoice lines looks up its own customer in Redis,
 * twice: the name ({@code GET customer:10000}) and the locale to print the line in ({@code GET
 * customer-locale:10000}), two round trips per record.
 */
public class CustomerLookupJob {

  static final int RECORDS = 40_000;
  static final int BATCH = 1_000;

  /** Customers read in one MGET by the fixed variant. */
  static final int MGET_BATCH = 5_000;

  public void slow() {
    int records = Backends.scaled(RECORDS);
    long printed = 0;
    for (int i = 0; i < records; i++) {
      int id = Customers.idOf(i);
      printed +=
          line(Customers.get(Customers.NAME, id), Customers.get(Customers.LOCALE, id)).length();
    }
    if (printed == 0) {
      throw new IllegalStateException("no customers: seed first");
    }
  }

  /**
   * The lookups of a batch in two round trips: one MGET of its customers' names, one of their
   * locales.
   */
  public void fixed() {
    int records = Backends.scaled(RECORDS);
    long printed = 0;
    for (int start = 0; start < records; start += MGET_BATCH) {
      List<Integer> ids = new ArrayList<>();
      for (int i = start; i < Math.min(records, start + MGET_BATCH); i++) {
        ids.add(Customers.idOf(i));
      }
      Map<Integer, String> names = Customers.getAll(Customers.NAME, ids);
      Map<Integer, String> locales = Customers.getAll(Customers.LOCALE, ids);
      for (int id : ids) {
        printed += line(names.get(id), locales.get(id)).length();
      }
    }
    if (printed == 0) {
      throw new IllegalStateException("no customers: seed first");
    }
  }

  static String line(String name, String locale) {
    return name == null || locale == null ? "" : locale + " " + name;
  }

  /**
   * Customer names and locales by id, kept in Redis under {@code customer:<id>} and {@code
   * customer-locale:<id>}.
   */
  static final class Customers {
    static final int FIRST_ID = 10_000;
    static final String NAME = "customer:";
    static final String LOCALE = "customer-locale:";

    static int idOf(int record) {
      return FIRST_ID + record;
    }

    static String get(String prefix, int id) {
      return Backends.redis().get(prefix + id);
    }

    static Map<Integer, String> getAll(String prefix, List<Integer> ids) {
      String[] keys = ids.stream().map(id -> prefix + id).toArray(String[]::new);
      Map<Integer, String> byId = new HashMap<>();
      for (KeyValue<String, String> kv : Backends.redis().mget(keys)) {
        if (kv.hasValue()) {
          byId.put(Integer.parseInt(kv.getKey().substring(prefix.length())), kv.getValue());
        }
      }
      return byId;
    }
  }

  static final String[] LOCALES = {"en-GB", "de-DE", "fr-FR", "nl-NL"};

  /** Idempotent: writes the customers (at full size) only when they are missing. */
  public static void seed() {
    if (Backends.redis().exists(Customers.LOCALE + Customers.idOf(RECORDS - 1)) == 1) {
      return;
    }
    for (int start = 0; start < RECORDS; start += BATCH) {
      Map<String, String> batch = new HashMap<>();
      for (int i = start; i < start + BATCH; i++) {
        batch.put(Customers.NAME + Customers.idOf(i), "Customer " + i);
        batch.put(Customers.LOCALE + Customers.idOf(i), LOCALES[i % LOCALES.length]);
      }
      Backends.redis().mset(batch);
    }
  }
}
