package dev.jobtrace.examples.sync;

import dev.jobtrace.examples.Backends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Story 3: syncs accounts from the partner API, one call per record. */
public class PartnerSyncJob {

  static final int ACCOUNTS = 200;

  /** Calls in flight at once in the fixed variant. */
  static final int PARALLELISM = 4;

  /** An account answers in a few milliseconds; a call that takes this long is a stall. */
  static final Duration TIMEOUT = Duration.ofMillis(250);

  /**
   * One call after another, no timeout: each stalled call holds the worker for as long as it
   * stalls.
   */
  public void slow() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int id = 1; id <= Backends.scaled(ACCOUNTS); id++) {
      http.send(request(id, null), HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * A timeout on every call and a few calls in flight; stalled accounts are left for the next run.
   */
  public void fixed() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLELISM);
    try {
      List<CompletableFuture<Boolean>> calls = new ArrayList<>();
      for (int id = 1; id <= Backends.scaled(ACCOUNTS); id++) {
        int account = id;
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return http.send(
                                request(account, TIMEOUT), HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                        == 200;
                  } catch (HttpTimeoutException e) {
                    return false;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                pool));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])).get();
    } finally {
      pool.shutdown();
    }
  }

  private static HttpRequest request(int id, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(Backends.partnerUrl() + "/accounts/" + id)).GET();
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }
}
