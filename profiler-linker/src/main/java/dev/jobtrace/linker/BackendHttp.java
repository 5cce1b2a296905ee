package dev.jobtrace.linker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** One GET to a backend the linker reads (Jaeger, Prometheus), within its timeout. */
final class BackendHttp {
  private BackendHttp() {}

  /** How a client reports a backend it could not ask. */
  interface Failure {
    RuntimeException of(boolean timedOut, String message);
  }

  /**
   * The response, whatever its status; a timeout, an unreachable backend or an interrupt becomes
   * {@code failure}, with a message that names the backend ({@code name} at {@code base}).
   */
  static HttpResponse<byte[]> get(
      HttpClient http, URI uri, Duration timeout, String name, URI base, Failure failure) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw failure.of(true, name + " did not answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw failure.of(
          false,
          name
              + " at "
              + base
              + " cannot be reached: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure.of(false, "interrupted while asking " + name);
    }
  }
}
