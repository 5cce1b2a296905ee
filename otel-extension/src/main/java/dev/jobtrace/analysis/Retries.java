package dev.jobtrace.analysis;

import dev.jobtrace.contract.SpanContract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code retry} finding of a run that is attempt 2 or later: how many attempts came before,
 * what they failed with where the framework recorded it (JobRunr keeps each failure), grouped by
 * exception type with the latest message of each, how long they ran and since when the job is being
 * tried: {@code attempt 4: the 3 before failed, all with SocketTimeoutException: Read timed out,
 * 6.1 s in them; retrying for 3.2 min}.
 */
public final class Retries {

  private Retries() {}

  /** Null for a first attempt. */
  public static Finding finding(
      long attempt, List<String> failures, Long previousMillis, Long retryingForMillis) {
    if (attempt < 2) {
      return null;
    }
    long before = attempt - 1;
    StringBuilder summary = new StringBuilder("attempt ").append(attempt).append(": the ");
    summary.append(before == 1 ? "one before failed" : before + " before failed");
    String statement;
    String fix;
    if (failures == null || failures.isEmpty()) {
      summary.append(" (the framework keeps no failure messages)");
      statement = "earlier attempts failed";
      fix =
          "find the earlier attempts' traces (same job id): what failed there fails again unless"
              + " it was transient; give the failing call a timeout and back off between retries";
    } else {
      // Grouped by exception type: messages often carry the attempt's own ids or times.
      Map<String, Integer> counts = new LinkedHashMap<>();
      Map<String, String> last = new LinkedHashMap<>();
      for (String f : failures) {
        String type = type(f);
        counts.merge(type, 1, Integer::sum);
        last.put(type, f);
      }
      String most = null;
      int mostCount = 0;
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        if (e.getValue() > mostCount) {
          most = e.getKey();
          mostCount = e.getValue();
        }
      }
      statement = last.get(most);
      if (counts.size() == 1) {
        summary
            .append(
                failures.size() == 1
                    ? ", with "
                    : failures.size() == 2 ? ", both with " : ", all with ")
            .append(brief(statement));
        fix =
            "every attempt failed the same way: a failing dependency, not a flaky run; find the"
                + " failed span in an earlier attempt's trace, give that call a timeout or a circuit"
                + " breaker, and back off between retries";
      } else {
        summary.append(", with ");
        int shown = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
          if (shown++ == 3) {
            summary.append(", …");
            break;
          }
          if (shown > 1) {
            summary.append(", ");
          }
          summary.append(brief(last.get(e.getKey()))).append(" (").append(e.getValue()).append(')');
        }
        fix =
            "the attempts failed in different ways: read the earlier attempts' traces for the"
                + " first failure, which the retries may have made worse";
      }
    }
    if (previousMillis != null) {
      summary.append(", ").append(seconds(previousMillis)).append(" in them");
    }
    if (retryingForMillis != null) {
      summary.append("; retrying for ").append(duration(retryingForMillis));
    }
    return new Finding(
        SpanContract.FINDING_KIND_RETRY,
        summary.toString(),
        before,
        previousMillis == null ? 0 : previousMillis,
        0,
        statement,
        fix);
  }

  /** The exception type of {@code Type: message}. */
  static String type(String failure) {
    int colon = failure.indexOf(": ");
    return colon < 0 ? failure : failure.substring(0, colon);
  }

  /**
   * {@code java.net.SocketTimeoutException: Read timed out} as {@code SocketTimeoutException: …}.
   */
  static String brief(String failure) {
    int colon = failure.indexOf(": ");
    String type = colon < 0 ? failure : failure.substring(0, colon);
    String simple = type.substring(type.lastIndexOf('.') + 1);
    String message = colon < 0 ? "" : failure.substring(colon);
    if (message.length() > 80) {
      message = message.substring(0, 79) + "…";
    }
    return simple + message;
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String duration(long millis) {
    if (millis < 120_000) {
      return seconds(millis);
    }
    if (millis < 2 * 3_600_000) {
      return String.format(Locale.ROOT, "%.1f min", millis / 60_000.0);
    }
    return String.format(Locale.ROOT, "%.1f h", millis / 3_600_000.0);
  }
}
