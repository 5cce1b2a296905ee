package dev.jobtrace.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Slow calls made with and without timeouts: JDBC statements with and without a query timeout, and
 * the JDK's HTTP client with no timeout, a connect timeout only, a request timeout, and
 * asynchronously, and {@code HttpURLConnection} with and without its timeouts. Each method is one
 * job.
 */
public final class TimeoutJobsApp {

  public static final class TimeoutJobs {
    /** Two slow queries with no query timeout. */
    public void queryWithout() throws Exception {
      slowQueries(0);
    }

    /** The same two slow queries, each with a query timeout. */
    public void queryWith() throws Exception {
      slowQueries(5);
    }

    /** Many fast queries and one that fails, none with a timeout: nothing slow to name. */
    public void fastQueriesWithout() throws Exception {
      try (Connection c = Backends.dataSource.getConnection();
          Statement s = c.createStatement()) {
        for (int i = 0; i < 20; i++) {
          s.execute("select " + i);
        }
        try {
          s.execute("select * from no_such_table");
        } catch (SQLException expected) {
          // a failing call is still a call
        }
      }
    }

    /** Two calls to the slow endpoint with a client and requests that have no timeouts at all. */
    public void httpWithout() throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 2; i++) {
        client.send(request(null), HttpResponse.BodyHandlers.ofString());
      }
    }

    /** A client with a connect timeout, requests without one. */
    public void httpConnectOnly() throws Exception {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (int i = 0; i < 2; i++) {
        client.send(request(null), HttpResponse.BodyHandlers.ofString());
      }
    }

    /** Requests with a timeout: one long enough, one that fails the stalled call. */
    public void httpRequestTimeout() throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      client.send(request(Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
      try {
        client.send(request(Duration.ofMillis(600)), HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException expected) {
        // the timeout did its work
      }
    }

    /** Two GETs over {@code HttpURLConnection} with neither timeout set: it waits forever. */
    public void urlConnectionWithout() throws Exception {
      for (int i = 0; i < 2; i++) {
        urlGet(0, 0);
      }
    }

    /** GETs over {@code HttpURLConnection} with both timeouts: one long enough, one that fires. */
    public void urlConnectionWith() throws Exception {
      urlGet(2_000, 5_000);
      urlGet(2_000, 300);
    }

    /** Two asynchronous calls with no timeout, waited for. */
    public void httpAsyncWithout() throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 2; i++) {
        client.sendAsync(request(null), HttpResponse.BodyHandlers.ofString()).get();
      }
    }
  }

  /**
   * A GET of the slow endpoint over {@code HttpURLConnection}, the connection given the timeouts
   * (milliseconds, 0 for none); a read that times out is the timeout doing its work.
   */
  static void urlGet(int connectTimeout, int readTimeout) throws Exception {
    URL slow = URI.create(Backends.partner.toString().replace("/partner", "/slow")).toURL();
    HttpURLConnection c = (HttpURLConnection) slow.openConnection();
    c.setConnectTimeout(connectTimeout);
    c.setReadTimeout(readTimeout);
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    } catch (SocketTimeoutException expected) {
      // the read timeout fired
    } finally {
      c.disconnect();
    }
  }

  static HttpRequest request(Duration timeout) {
    URI slow = URI.create(Backends.partner.toString().replace("/partner", "/slow"));
    HttpRequest.Builder b = HttpRequest.newBuilder(slow).GET();
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }

  static void slowQueries(int timeoutSeconds) throws Exception {
    try (Connection c = Backends.dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select pg_sleep(0.7)")) {
      if (timeoutSeconds > 0) {
        s.setQueryTimeout(timeoutSeconds);
      }
      for (int i = 0; i < 2; i++) {
        s.execute();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Backends.start();
    TimeoutJobs jobs = new TimeoutJobs();
    for (String arg : args) {
      jobs.getClass().getMethod(arg).invoke(jobs);
    }
    System.out.println("done " + String.join(",", args));
    System.exit(0);
  }
}
