package dev.jobtrace.job.jobrunr.v8_0;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.jobrunr.jobs.Job;

/**
 * Each job JobRunr read back from storage, with its stored size and the time reading it took, until
 * the job is run (or collected: the keys are weak, so jobs read for other reasons cost nothing once
 * gone).
 */
public final class JobRunrPayloads {

  /** UTF-8 bytes of the stored JSON, and the nanoseconds deserializing it took. */
  record Payload(long bytes, long readNanos) {}

  private static final Map<Job, Payload> read = Collections.synchronizedMap(new WeakHashMap<>());

  private JobRunrPayloads() {}

  public static void read(Job job, String json, long nanos) {
    if (job != null && json != null) {
      read.put(job, new Payload(utf8Length(json), nanos));
    }
  }

  /** The job's stored size and read time, once; null when it was not read from storage. */
  static Payload take(Job job) {
    return read.remove(job);
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
