package dev.jobtrace.job;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** The job attributes of the span contract. */
public final class JobAttributes {

  public static final AttributeKey<String> NAME = AttributeKey.stringKey("jobtrace.job.name");
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("jobtrace.job.system");
  public static final AttributeKey<String> ID = AttributeKey.stringKey("jobtrace.job.id");
  public static final AttributeKey<String> QUEUE = AttributeKey.stringKey("jobtrace.job.queue");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("jobtrace.job.attempt");
  public static final AttributeKey<Long> QUEUE_LATENCY_MS =
      AttributeKey.longKey("jobtrace.job.queue_latency_ms");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("jobtrace.job.outcome");
  public static final AttributeKey<String> DISPLAY_NAME =
      AttributeKey.stringKey("jobtrace.job.display_name");

  /** Calls of the job framework's own bookkeeping made during the run, left out of its trace. */
  public static final AttributeKey<Long> BOOKKEEPING_CALLS =
      AttributeKey.longKey("jobtrace.job.bookkeeping_calls");
  /** The names of the run's parameters (Spring Batch); their values only when a setting asks. */
  public static final AttributeKey<List<String>> PARAMETERS =
      AttributeKey.stringArrayKey("jobtrace.job.parameters");
  public static final AttributeKey<String> STATUS = AttributeKey.stringKey("jobtrace.job.status");
  public static final AttributeKey<String> EXIT_CODE = AttributeKey.stringKey("jobtrace.job.exit_code");
  public static final AttributeKey<String> INSTANCE_ID = AttributeKey.stringKey("jobtrace.job.instance_id");

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_FAILURE = "failure";

  private JobAttributes() {}
}
