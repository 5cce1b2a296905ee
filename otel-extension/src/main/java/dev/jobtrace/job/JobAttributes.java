package dev.jobtrace.job;

import io.opentelemetry.api.common.AttributeKey;

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

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_FAILURE = "failure";

  private JobAttributes() {}
}
