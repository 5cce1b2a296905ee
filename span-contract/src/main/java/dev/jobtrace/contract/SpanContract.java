package dev.jobtrace.contract;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every name jobtrace writes on spans and metrics: the profiler-linker, the tests and users'
 * dashboards and trace searches read them, so a name changes only here and with all its readers.
 */
public final class SpanContract {

  // ---- job span: what ran ----

  public static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("jobtrace.job.name");

  /**
   * {@code jobrunr}, {@code quartz}, {@code spring}, {@code spring-batch}, {@code db-scheduler},
   * {@code method}.
   */
  public static final AttributeKey<String> JOB_SYSTEM =
      AttributeKey.stringKey("jobtrace.job.system");

  public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("jobtrace.job.id");
  public static final AttributeKey<String> JOB_DISPLAY_NAME =
      AttributeKey.stringKey("jobtrace.job.display_name");
  public static final AttributeKey<String> JOB_INSTANCE_ID =
      AttributeKey.stringKey("jobtrace.job.instance_id");
  public static final AttributeKey<Long> JOB_ATTEMPT = AttributeKey.longKey("jobtrace.job.attempt");

  /**
   * A retry's earlier attempts as the framework recorded their failures, oldest first, each {@code
   * ExceptionType: message} (JobRunr; at most the last 5).
   */
  public static final AttributeKey<List<String>> JOB_PREVIOUS_FAILURES =
      AttributeKey.stringArrayKey("jobtrace.job.previous_failures");

  /** A retry: the time the earlier attempts ran, added up (JobRunr). */
  public static final AttributeKey<Long> JOB_PREVIOUS_ATTEMPTS_MS =
      AttributeKey.longKey("jobtrace.job.previous_attempts_ms");

  /** A retry: from the first attempt's start to this one's (JobRunr). */
  public static final AttributeKey<Long> JOB_RETRYING_FOR_MS =
      AttributeKey.longKey("jobtrace.job.retrying_for_ms");

  /** The job as its framework stores it, in UTF-8 bytes (JobRunr: its JSON, arguments and all). */
  public static final AttributeKey<Long> JOB_PAYLOAD_BYTES =
      AttributeKey.longKey("jobtrace.job.payload_bytes");

  /** How long reading the stored job back took before this run (JobRunr: deserializing it). */
  public static final AttributeKey<Long> JOB_PAYLOAD_READ_MS =
      AttributeKey.longKey("jobtrace.job.payload_read_ms");

  /** Enqueue (or scheduled fire time) to start, where the framework knows both. */
  public static final AttributeKey<Long> JOB_QUEUE_LATENCY_MS =
      AttributeKey.longKey("jobtrace.job.queue_latency_ms");

  /** {@link #OUTCOME_SUCCESS} or {@link #OUTCOME_FAILURE}. */
  public static final AttributeKey<String> JOB_OUTCOME =
      AttributeKey.stringKey("jobtrace.job.outcome");

  public static final AttributeKey<String> JOB_STATUS =
      AttributeKey.stringKey("jobtrace.job.status");
  public static final AttributeKey<String> JOB_EXIT_CODE =
      AttributeKey.stringKey("jobtrace.job.exit_code");

  /** The names of the run's parameters; their values only when a setting asks for them. */
  public static final AttributeKey<List<String>> JOB_PARAMETERS =
      AttributeKey.stringArrayKey("jobtrace.job.parameters");

  /** Followed by a parameter's name, for its value (Spring Batch, when a setting asks). */
  public static final String JOB_PARAMETER_PREFIX = "jobtrace.job.parameter.";

  /** Calls of the job framework's own bookkeeping made during the run, left out of its trace. */
  public static final AttributeKey<Long> JOB_BOOKKEEPING_CALLS =
      AttributeKey.longKey("jobtrace.job.bookkeeping_calls");

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_FAILURE = "failure";

  // ---- job span: where the time went ----

  /**
   * Followed by a call kind and {@code _ms}: {@code jobtrace.time.redis_ms}, {@code db}, {@code
   * http}, {@code other}.
   */
  public static final String TIME_PREFIX = "jobtrace.time.";

  /** Followed by a call kind: {@code jobtrace.calls.redis}, {@code db}, {@code http}. */
  public static final String CALLS_PREFIX = "jobtrace.calls.";

  public static final AttributeKey<Long> TIME_OTHER_MS =
      AttributeKey.longKey(TIME_PREFIX + "other_ms");

  public static AttributeKey<Long> timeMillis(String callKind) {
    return AttributeKey.longKey(TIME_PREFIX + callKind + "_ms");
  }

  public static AttributeKey<Long> calls(String callKind) {
    return AttributeKey.longKey(CALLS_PREFIX + callKind);
  }

  // ---- job span: findings ----

  public static final String FINDING_EVENT = "jobtrace.finding";
  public static final AttributeKey<String> FINDING_KIND =
      AttributeKey.stringKey("jobtrace.finding.kind");
  public static final AttributeKey<String> FINDING_SUMMARY =
      AttributeKey.stringKey("jobtrace.finding.summary");
  public static final AttributeKey<Long> FINDING_COUNT =
      AttributeKey.longKey("jobtrace.finding.count");
  public static final AttributeKey<Long> FINDING_TOTAL_MS =
      AttributeKey.longKey("jobtrace.finding.total_ms");
  public static final AttributeKey<Long> FINDING_MAX_MS =
      AttributeKey.longKey("jobtrace.finding.max_ms");
  public static final AttributeKey<String> FINDING_STATEMENT =
      AttributeKey.stringKey("jobtrace.finding.statement");

  /** What usually fixes it, on findings where jobtrace can say ({@code repeated_sequence}). */
  public static final AttributeKey<String> FINDING_FIX =
      AttributeKey.stringKey("jobtrace.finding.fix");

  /**
   * The finding kind of a run that waited in its queue at least as long as it ran (by default): its
   * statement is the job's name, its count 1, its total and max the wait.
   */
  public static final String FINDING_KIND_QUEUE_WAIT = "queue_wait";

  /**
   * The finding kind of a job whose profile spent a large share computing in one library family
   * (serialization, regular expressions, logging, the ORM, ...) or in the application's own code:
   * its statement names the family and library, its count the samples, its total the time they
   * stand for; {@link #FINDING_CALLED_FROM} the application frame that called into it.
   */
  public static final String FINDING_KIND_CPU_HOTSPOT = "cpu_hotspot";

  /**
   * The finding kind of a run that is a retry (attempt 2 or later): what the earlier attempts
   * failed with, so a retry storm reads as one story. Its count is the earlier attempts, its total
   * the time they ran where the framework knows it, its statement their most common failure.
   */
  public static final String FINDING_KIND_RETRY = "retry";

  /**
   * The finding kind of a run whose job is stored large (JobRunr: its serialized JSON, arguments
   * and all): its count the bytes, its total the time reading it back took, its statement the job.
   */
  public static final String FINDING_KIND_LARGE_PAYLOAD = "large_payload";

  /**
   * The finding kind of a statement whose calls got several times slower while other runs of this
   * JVM made it too (rows or locks they contend for): its count the calls made alongside them, its
   * total the time lost against the statement's calls alone, its statement the statement.
   */
  public static final String FINDING_KIND_CONTENTION = "contention";

  /**
   * The finding kind of a slow JDBC statement run without a query timeout, or of an HTTP call made
   * without a request timeout whose slowest call waited long: its count the calls made without one,
   * its total and max the slowest such call's wait, its statement the statement.
   */
  public static final String FINDING_KIND_NO_TIMEOUT = "no_timeout";

  /**
   * On a JDBC or HTTP client span: the timeout that bounds the call, in milliseconds (the
   * statement's query timeout, the HTTP request's timeout); 0 when it has none.
   */
  public static final AttributeKey<Long> CALL_TIMEOUT_MS =
      AttributeKey.longKey("jobtrace.call.timeout_ms");

  /** On an HTTP client span: the client's connect timeout in milliseconds; 0 when it has none. */
  public static final AttributeKey<Long> CALL_CONNECT_TIMEOUT_MS =
      AttributeKey.longKey("jobtrace.call.connect_timeout_ms");

  /**
   * On a {@link #FINDING_KIND_CPU_HOTSPOT}: the application frame most of its samples ran under.
   */
  public static final AttributeKey<String> FINDING_CALLED_FROM =
      AttributeKey.stringKey("jobtrace.finding.called_from");

  /** The kinds found, most costly first, comma-separated. */
  public static final AttributeKey<String> FINDINGS = AttributeKey.stringKey("jobtrace.findings");

  /**
   * On a job span, why its trace is worth keeping when traces are sampled, comma-separated: {@code
   * slow} (it ran at least the profile threshold), {@code failed}, {@code finding}; absent when
   * none holds. A tail sampler keeps every trace whose job span has it.
   */
  public static final AttributeKey<String> KEEP = AttributeKey.stringKey("jobtrace.keep");

  public static final String KEEP_SLOW = "slow";
  public static final String KEEP_FAILED = "failed";
  public static final String KEEP_FINDING = "finding";

  /**
   * The name of the span a job gets while it runs, once it has run {@code
   * otel.jobtrace.keep.mark-after} and the profile threshold: a zero-length child of the job span,
   * exported at once with {@link #KEEP} {@code slow}, so that a tail sampler deciding before the
   * job span arrives still keeps the trace.
   */
  public static final String KEEP_MARKER_NAME = "job still running";

  /** On the keep marker: how long the job had run when it was marked, in milliseconds. */
  public static final AttributeKey<Long> KEEP_RUNNING_MS =
      AttributeKey.longKey("jobtrace.keep.running_ms");

  /** The most costly finding, {@code kind: summary}. */
  public static final AttributeKey<String> FINDING_TOP =
      AttributeKey.stringKey("jobtrace.finding.top");

  /** A tag a trace search selects on: {@code jobtrace.finding.repeated_call=true}. */
  public static AttributeKey<Boolean> findingTag(String kind) {
    return AttributeKey.booleanKey("jobtrace.finding." + kind);
  }

  // ---- Spring Batch step and chunk spans ----

  public static final AttributeKey<String> STEP_NAME = AttributeKey.stringKey("jobtrace.step.name");
  public static final AttributeKey<String> STEP_EXECUTION_ID =
      AttributeKey.stringKey("jobtrace.step.execution_id");
  public static final AttributeKey<String> STEP_STATUS =
      AttributeKey.stringKey("jobtrace.step.status");
  public static final AttributeKey<String> STEP_EXIT_CODE =
      AttributeKey.stringKey("jobtrace.step.exit_code");
  public static final AttributeKey<Long> STEP_READ_COUNT =
      AttributeKey.longKey("jobtrace.step.read_count");
  public static final AttributeKey<Long> STEP_WRITE_COUNT =
      AttributeKey.longKey("jobtrace.step.write_count");
  public static final AttributeKey<Long> STEP_FILTER_COUNT =
      AttributeKey.longKey("jobtrace.step.filter_count");
  public static final AttributeKey<Long> STEP_SKIP_COUNT =
      AttributeKey.longKey("jobtrace.step.skip_count");
  public static final AttributeKey<Long> STEP_COMMIT_COUNT =
      AttributeKey.longKey("jobtrace.step.commit_count");
  public static final AttributeKey<Long> STEP_ROLLBACK_COUNT =
      AttributeKey.longKey("jobtrace.step.rollback_count");
  public static final AttributeKey<Long> STEP_CHUNKS = AttributeKey.longKey("jobtrace.step.chunks");
  public static final AttributeKey<Long> STEP_CHUNKS_KEPT =
      AttributeKey.longKey("jobtrace.step.chunks_kept");
  public static final AttributeKey<Long> STEP_SLOWEST_CHUNK_MS =
      AttributeKey.longKey("jobtrace.step.slowest_chunk_ms");
  public static final AttributeKey<Long> STEP_READ_MS =
      AttributeKey.longKey("jobtrace.step.read_ms");
  public static final AttributeKey<Long> STEP_PROCESS_MS =
      AttributeKey.longKey("jobtrace.step.process_ms");
  public static final AttributeKey<Long> STEP_WRITE_MS =
      AttributeKey.longKey("jobtrace.step.write_ms");
  public static final AttributeKey<Long> CHUNK_NUMBER =
      AttributeKey.longKey("jobtrace.chunk.number");
  public static final AttributeKey<Long> CHUNK_READ_COUNT =
      AttributeKey.longKey("jobtrace.chunk.read_count");
  public static final AttributeKey<Long> CHUNK_WRITE_COUNT =
      AttributeKey.longKey("jobtrace.chunk.write_count");
  public static final AttributeKey<Long> CHUNK_READ_MS =
      AttributeKey.longKey("jobtrace.chunk.read_ms");
  public static final AttributeKey<Long> CHUNK_PROCESS_MS =
      AttributeKey.longKey("jobtrace.chunk.process_ms");
  public static final AttributeKey<Long> CHUNK_WRITE_MS =
      AttributeKey.longKey("jobtrace.chunk.write_ms");

  // ---- any slow span: its profile ----

  /** {@code <traceId>-<spanId>}: what Jaeger's link pattern turns into the linker's URL. */
  public static final AttributeKey<String> PROFILE_ID =
      AttributeKey.stringKey("jobtrace.profile.id");

  public static final AttributeKey<Long> PROFILE_SAMPLES =
      AttributeKey.longKey("jobtrace.profile.samples");

  /** Where the time went, one line readable in a tag table. */
  public static final AttributeKey<String> PROFILE_HOT =
      AttributeKey.stringKey("jobtrace.profile.hot");

  /** Why a slow span has no profile. */
  public static final AttributeKey<String> PROFILE_ERROR =
      AttributeKey.stringKey("jobtrace.profile.error");

  /** Why a profile misses the span's last moments. */
  public static final AttributeKey<String> PROFILE_INCOMPLETE =
      AttributeKey.stringKey("jobtrace.profile.incomplete");

  public static final String PROFILE_EVENT = "jobtrace.profile";

  /** On the {@link #PROFILE_EVENT}: the snippet, in {@link ProfileSnippetFormat}. */
  public static final AttributeKey<String> PROFILE_FOLDED =
      AttributeKey.stringKey("jobtrace.profile.folded");

  /**
   * On the {@link #PROFILE_EVENT}, beside the snippet: the order its samples came in, in {@link
   * ProfileTimelineFormat}; absent when it did not fit or is turned off.
   */
  public static final AttributeKey<String> PROFILE_TIMELINE =
      AttributeKey.stringKey("jobtrace.profile.timeline");

  // ---- composite spans: runs of calls of one shape, exported as one span ----

  public static final AttributeKey<Long> COMPOSITE_COUNT =
      AttributeKey.longKey("jobtrace.composite.count");
  public static final AttributeKey<Long> COMPOSITE_SUM_MS =
      AttributeKey.longKey("jobtrace.composite.sum_ms");
  public static final AttributeKey<Long> COMPOSITE_FAILED =
      AttributeKey.longKey("jobtrace.composite.failed");
  public static final AttributeKey<String> COMPOSITE_SHAPE =
      AttributeKey.stringKey("jobtrace.composite.shape");
  public static final AttributeKey<Long> COMPOSITE_DISTINCT =
      AttributeKey.longKey("jobtrace.composite.distinct");
  public static final AttributeKey<List<String>> COMPOSITE_EXAMPLES =
      AttributeKey.stringArrayKey("jobtrace.composite.examples");

  // ---- metrics ----

  /** Histogram of job runs' wall time, in seconds, by job name, system and outcome. */
  public static final String METRIC_JOB_DURATION = "jobtrace.job.duration";

  /** Histogram of job runs' queue latency, in seconds. */
  public static final String METRIC_JOB_QUEUE_LATENCY = "jobtrace.job.queue_latency";

  /**
   * On the job metrics' points: the worker's {@code service.version} resource attribute (set as
   * usual, e.g. {@code OTEL_RESOURCE_ATTRIBUTES=service.version=1.4.2}), so a deploy's before and
   * after are two series. Absent when the resource has none.
   */
  public static final AttributeKey<String> METRIC_SERVICE_VERSION =
      AttributeKey.stringKey("service.version");

  /**
   * The job histograms as Prometheus names them (the collector's Prometheus exporter adds the unit
   * and the {@code _bucket}, {@code _count} and {@code _sum} suffixes), with their labels; the
   * service is the {@code job} label.
   */
  public static final String PROM_JOB_DURATION = "jobtrace_job_duration_seconds";

  public static final String PROM_JOB_QUEUE_LATENCY = "jobtrace_job_queue_latency_seconds";
  public static final String PROM_LABEL_SERVICE = "job";
  public static final String PROM_LABEL_JOB_NAME = "jobtrace_job_name";
  public static final String PROM_LABEL_OUTCOME = "jobtrace_job_outcome";
  public static final String PROM_LABEL_VERSION = "service_version";

  /** Counter of the job frameworks' own bookkeeping operations left untraced. */
  public static final String METRIC_BOOKKEEPING_UNTRACED = "jobtrace.bookkeeping.untraced";

  // ---- carried with a job from its enqueuer to its run ----

  /** JobRunr job metadata keys holding the enqueuer's W3C trace context. */
  public static final String METADATA_TRACEPARENT = "jobtrace.traceparent";

  public static final String METADATA_TRACESTATE = "jobtrace.tracestate";

  private SpanContract() {}
}
