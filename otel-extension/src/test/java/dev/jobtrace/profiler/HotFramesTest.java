package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HotFramesTest {

  static final String WORKER =
      "java.lang.Thread.run_[j];java.util.concurrent.ThreadPoolExecutor.runWorker_[j];"
          + "org.jobrunr.server.BackgroundJobPerformer.run_[j];com.acme.billing.StatementJob.run_[j]";
  static final String LETTUCE_GET =
      ";com.acme.billing.ReferenceData.fetch_[j];jdk.proxy2.$Proxy12.get_[j];"
          + "io.lettuce.core.FutureSyncInvocationHandler.handleInvocation_[j];"
          + "io.lettuce.core.protocol.AsyncCommand.await_[j];java.util.concurrent.CompletableFuture.get_[j]";

  static String line(HotFrames frames, Object... stackAndCount) {
    Map<String, long[]> stacks = new LinkedHashMap<>();
    long total = 0;
    for (int i = 0; i < stackAndCount.length; i += 2) {
      long n = ((Number) stackAndCount[i + 1]).longValue();
      stacks.put((String) stackAndCount[i], new long[] {n});
      total += n;
    }
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(stacks.entrySet());
    sorted.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    return frames.line(sorted, total);
  }

  static final HotFrames BY_EXCLUSION = new HotFrames(List.of());

  @Test
  void namesTheApplicationFrameAboveTheJdkWaitAndTheLibraryItWaitsIn() {
    // The 45,000-GET job: the samples park in the JDK, under Lettuce, under the application's
    // fetch.
    assertThat(
            line(
                BY_EXCLUSION,
                WORKER + LETTUCE_GET + ";jdk.internal.misc.Unsafe.park_[j]",
                61,
                WORKER
                    + LETTUCE_GET
                    + ";java.util.concurrent.locks.LockSupport.unpark_[j];jdk.internal.misc.Unsafe.unpark_[j]",
                9,
                WORKER + ";com.acme.billing.StatementLineBuilder.build_[j]",
                30))
        .isEqualTo("ReferenceData.fetch 70% (waiting in Lettuce), StatementLineBuilder.build 30%");
  }

  @Test
  void theInnermostKnownLibraryWinsOverThePoolThatWrapsIt() {
    String jdbc =
        WORKER
            + ";com.acme.billing.Ledger.load_[j];"
            + "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery_[j];"
            + "org.postgresql.jdbc.PgPreparedStatement.executeQuery_[j];"
            + "org.postgresql.core.VisibleBufferedInputStream.read_[j];sun.nio.ch.NioSocketImpl.park_[j];sun.nio.ch.Net.poll_[j]";
    assertThat(line(BY_EXCLUSION, jdbc, 10))
        .isEqualTo("Ledger.load 100% (waiting in PostgreSQL JDBC)");
  }

  @Test
  void computeInALibraryIsInNotWaitingIn() {
    String jackson =
        WORKER
            + ";com.acme.export.InvoiceExportJob.slow_[j];"
            + "com.fasterxml.jackson.databind.ObjectMapper.writeValueAsString_[j];"
            + "com.fasterxml.jackson.core.json.WriterBasedJsonGenerator.writeString_[j]";
    assertThat(line(BY_EXCLUSION, jackson, 54, WORKER, 46))
        .isEqualTo("InvoiceExportJob.slow 54% (in Jackson), StatementJob.run 46%");
  }

  @Test
  void aFrameIsNamedOnceWithWhatMostOfItsSamplesWereIn() {
    String tls =
        WORKER + ";com.acme.PartnerSync.call_[j];sun.security.ssl.SSLContextImpl.engineInit_[j]";
    String http =
        WORKER
            + ";com.acme.PartnerSync.call_[j];jdk.internal.net.http.HttpClientImpl.send_[j];"
            + "java.util.concurrent.CompletableFuture.get_[j];jdk.internal.misc.Unsafe.park_[j]";
    assertThat(line(BY_EXCLUSION, http, 54, tls, 9, WORKER, 37))
        .isEqualTo("PartnerSync.call 63% (waiting in HttpClient), StatementJob.run 37%");
  }

  @Test
  void aJdkCallWithoutALibraryIsNamedByItsMethod() {
    String lambda =
        WORKER
            + ";com.acme.Invoice.build_[j];java.lang.invoke.Invokers$Holder.linkToTargetMethod_[j];"
            + "java.util.ArrayList.add_[j]";
    assertThat(line(BY_EXCLUSION, lambda, 1)).isEqualTo("Invoice.build 100% (in ArrayList.add)");
    String sleep =
        WORKER
            + ";com.acme.Retry.backOff_[j];java.lang.Thread.sleep_[j];java.lang.Thread.sleep0_[j]";
    assertThat(line(BY_EXCLUSION, sleep, 1))
        .isEqualTo("Retry.backOff 100% (waiting in Thread.sleep)");
  }

  @Test
  void configuredPackagesDecideWhatIsTheApplication() {
    // A company whose code lives under a prefix jobtrace would take for a library's.
    String stack = WORKER + ";org.apache.acme.Job.step_[j];io.lettuce.core.RedisClient.connect_[j]";
    assertThat(line(BY_EXCLUSION, stack, 1)).isEqualTo("StatementJob.run 100% (in Lettuce)");
    assertThat(line(new HotFrames(List.of("org.apache.acme.")), stack, 1))
        .isEqualTo("Job.step 100% (in Lettuce)");
  }

  @Test
  void jobtracesOwnFramesAreNotTheApplication() {
    String stack =
        WORKER
            + ";dev.jobtrace.examples.report.ClientReportJob.report_[j];"
            + "io.opentelemetry.javaagent.shaded.Context.makeCurrent_[j];dev.jobtrace.tracking.ActivationTracking.attach_[j]";
    assertThat(line(BY_EXCLUSION, stack, 1)).isEqualTo("ClientReportJob.report 100%");
  }

  @Test
  void aLibrarysOwnThreadIsNamedByItsLeafAndTheLibrary() {
    String eventLoop =
        "java.lang.Thread.run_[j];io.netty.util.concurrent.SingleThreadEventExecutor$4.run_[j];"
            + "io.netty.channel.nio.NioEventLoop.run_[j];io.netty.channel.socket.nio.NioSocketChannel.doWrite_[j];"
            + "sun.nio.ch.SocketDispatcher.write0_[j]";
    assertThat(line(BY_EXCLUSION, eventLoop, 2))
        .isEqualTo("SocketDispatcher.write0 100% (in Netty)");
  }

  @Test
  void aStackWithoutApplicationCodeNamesItsLeaf() {
    assertThat(line(BY_EXCLUSION, "java.lang.Thread.run_[j];jdk.internal.misc.Unsafe.park_[j]", 3))
        .isEqualTo("Unsafe.park 100%");
  }
}
