package dev.jobtrace.examples.lookup;

import dev.jobtrace.examples.Backends;
import io.lettuce.core.KeyValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Story 1b, the classic N+1: each of 80,000 invoice lines looks up its own customer in Redis
 * ({@code GET customer:10000}, {@code GET customer:10001}, ...), one round trip per record.
 */
public class CustomerLookupJob {

  static final int RECORDS = 80_000;
  static final int BATCH = 1_000;
  /** Customers read in one MGET by the fixed variant. */
  static final int MGET_BATCH = 5_000;

  public void slow() {
    int records = Backends.scaled(RECORDS);
    long names = 0;
    for (int i = 0; i < records; i++) {
      names += Customers.get(Customers.idOf(i)).length();
    }
    if (names == 0) {
      throw new IllegalStateException("no customers: seed first");
    }
  }

  /** The lookups of a batch in one round trip: MGET of its customers' keys. */
  public void fixed() {
    int records = Backends.scaled(RECORDS);
    long names = 0;
    for (int start = 0; start < records; start += MGET_BATCH) {
      List<Integer> ids = new ArrayList<>();
      for (int i = start; i < Math.min(records, start + MGET_BATCH); i++) {
        ids.add(Customers.idOf(i));
      }
      for (String name : Customers.getAll(ids).values()) {
        names += name.length();
      }
    }
    if (names == 0) {
      throw new IllegalStateException("no customers: seed first");
    }
  }

  /** Customer names by id, kept in Redis under {@code customer:<id>}. */
  static final class Customers {
    static final int FIRST_ID = 10_000;

    static int idOf(int record) {
      return FIRST_ID + record;
    }

    static String get(int id) {
      return Backends.redis().get("customer:" + id);
    }

    static Map<Integer, String> getAll(List<Integer> ids) {
      String[] keys = ids.stream().map(id -> "customer:" + id).toArray(String[]::new);
      Map<Integer, String> byId = new HashMap<>();
      for (KeyValue<String, String> kv : Backends.redis().mget(keys)) {
        if (kv.hasValue()) {
          byId.put(Integer.parseInt(kv.getKey().substring("customer:".length())), kv.getValue());
        }
      }
      return byId;
    }
  }

  /** Idempotent: writes the customers (at full size) only when they are missing. */
  public static void seed() {
    if (Backends.redis().exists("customer:" + Customers.idOf(RECORDS - 1)) == 1) {
      return;
    }
    for (int start = 0; start < RECORDS; start += BATCH) {
      Map<String, String> batch = new HashMap<>();
      for (int i = start; i < start + BATCH; i++) {
        batch.put("customer:" + Customers.idOf(i), "Customer " + i);
      }
      Backends.redis().mset(batch);
    }
  }
}
