package dev.jobtrace.it;

import dev.jobtrace.it.apps.SpringBatch5Worker;

/**
 * The Spring Batch job-span contract on Spring Batch 5 (the build's 5.x, or the oldest supported).
 */
class SpringBatch5JobSpansIT extends SpringBatchJobSpansContract {

  @Override
  protected Class<?> worker() {
    return SpringBatch5Worker.class;
  }
}
