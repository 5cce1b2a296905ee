package dev.jobtrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobtrace.it.apps.LockJobsApp;
import dev.jobtrace.testing.AgentProcess;
import dev.jobtrace.testing.ExportedSpan;
import dev.jobtrace.testing.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under the built agent: a job whose three threads queue for one lock (a {@code synchronized}
 * method, a {@code ReentrantLock}) names the lock's class, the time its threads were blocked and
 * the frame that waited, from async-profiler's lock events; the same job with a lock-free cache
 * names none.
 */
class LockWaitsIT {

  static final String[] JOBS = {"synchronizedCache", "lockedCache", "concurrentCache"};

  static List<ExportedSpan> spans;

  @BeforeAll
  static void run() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess process =
          AgentProcess.of(LockJobsApp.class, receiver)
              .set(
                  "otel.jobtrace.jobs",
                  "dev.jobtrace.it.apps.LockJobsApp$PricingJob[" + String.join(",", JOBS) + "]");
      for (String job : JOBS) {
        process.arg(job);
      }
      AgentProcess.Result result = process.run(300);
      assertThat(result.output).contains("done ").doesNotContain("lock waits are not recorded");
      spans = receiver.spans();
    }
  }

  static ExportedSpan job(String method) {
    return ProfileSnippetsIT.job(spans, "PricingJob." + method);
  }

  static List<Span.Event> lockFindings(ExportedSpan job) {
    return JobAnalysisIT.findingsOfKind(job, "contention").stream()
        .filter(e -> JobAnalysisIT.eventAttr(e, "jobtrace.finding.summary").startsWith("lock "))
        .collect(Collectors.toList());
  }

  /** Checks the one lock finding of a job and returns the blocked time it names, in ms. */
  static long blockedMs(ExportedSpan job, String lockClass, String shortName, String frame) {
    List<Span.Event> found = lockFindings(job);
    assertThat(found).hasSize(1);
    Span.Event f = found.get(0);
    assertThat(JobAnalysisIT.eventAttr(f, "jobtrace.finding.statement")).isEqualTo(lockClass);
    String summary = JobAnalysisIT.eventAttr(f, "jobtrace.finding.summary");
    Matcher m =
        Pattern.compile(
                "^lock "
                    + Pattern.quote(shortName)
                    + " ×(\\d+), [0-9.]+ s blocked (\\(\\d+% of job\\)|across its threads \\(job"
                    + " [0-9.]+ s\\)), waiting in (.+)$")
            .matcher(summary);
    assertThat(m.find()).as(summary).isTrue();
    assertThat(m.group(3)).isEqualTo(frame);
    assertThat(JobAnalysisIT.eventAttr(f, "jobtrace.finding.called_from")).isEqualTo(frame);
    assertThat(job.attr("jobtrace.findings")).contains("contention");
    return Long.parseLong(JobAnalysisIT.eventAttr(f, "jobtrace.finding.total_ms"));
  }

  @Test
  void threadsQueueingOnASynchronizedMethodNameTheMonitorsClassAndTheWaitingFrame() {
    ExportedSpan job = job("synchronizedCache");
    long blocked =
        blockedMs(
            job,
            "dev.jobtrace.it.apps.LockJobsApp$SynchronizedRates",
            "LockJobsApp$SynchronizedRates",
            "LockJobsApp$SynchronizedRates.rate");
    // Samples of threads waiting to enter the monitor end in the method they wait for: that is
    // no computing in the application's code.
    assertThat(JobAnalysisIT.findingsOfKind(job, "cpu_hotspot")).isEmpty();
    // 75 loads of 20 ms one after another: while one thread loads, the other two wait, so the
    // threads are blocked for about twice the job's time; at least the job's own time.
    assertThat(blocked).isGreaterThan(job.durationMillis()).isLessThan(3 * job.durationMillis());
  }

  @Test
  void threadsQueueingOnAReentrantLockNameTheLock() {
    ExportedSpan job = job("lockedCache");
    long blocked =
        blockedMs(
            job,
            "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "ReentrantLock",
            "LockJobsApp$LockedRates.rate");
    assertThat(blocked).isGreaterThan(job.durationMillis()).isLessThan(3 * job.durationMillis());
  }

  @Test
  void theLockFreeCacheNamesNoLock() {
    assertThat(lockFindings(job("concurrentCache"))).isEmpty();
  }

  @Test
  void withLockWaitsSwitchedOffTheSameJobIsSampledAndNamesNoLock() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      AgentProcess.Result result =
          AgentProcess.of(LockJobsApp.class, receiver)
              .set(
                  "otel.jobtrace.jobs",
                  "dev.jobtrace.it.apps.LockJobsApp$PricingJob[synchronizedCache]")
              .set("otel.jobtrace.profiler.lock-waits", "false")
              .arg("synchronizedCache")
              .run(300);
      assertThat(result.output).contains("done ").doesNotContain("lock waits are not recorded");
      ExportedSpan job = ProfileSnippetsIT.job(receiver.spans(), "PricingJob.synchronizedCache");
      assertThat(job.attr("jobtrace.profile.id")).as("still sampled").isNotNull();
      assertThat(lockFindings(job)).isEmpty();
    }
  }
}
