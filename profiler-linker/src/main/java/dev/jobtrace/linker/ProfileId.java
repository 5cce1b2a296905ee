package dev.jobtrace.linker;

import java.util.regex.Pattern;

/** {@code <traceId>-<spanId>} as in {@code jobtrace.profile.id}: 32 and 16 lowercase hex digits. */
public final class ProfileId {

  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}-[0-9a-f]{16}");

  public final String traceId;
  public final String spanId;

  private ProfileId(String traceId, String spanId) {
    this.traceId = traceId;
    this.spanId = spanId;
  }

  /** Throws {@link BadRequest} saying what is wrong. */
  public static ProfileId parse(String raw) {
    String id = raw == null ? "" : raw.trim().toLowerCase(java.util.Locale.ROOT);
    if (!FORMAT.matcher(id).matches()) {
      throw new BadRequest(
          "malformed profile id: expected <32 hex digits of trace id>-<16 hex digits of span id>,"
              + " as in the span's jobtrace.profile.id");
    }
    if (id.startsWith("00000000000000000000000000000000") || id.endsWith("-0000000000000000")) {
      throw new BadRequest("malformed profile id: trace and span ids must not be all zeros");
    }
    return new ProfileId(id.substring(0, 32), id.substring(33));
  }

  @Override
  public String toString() {
    return traceId + "-" + spanId;
  }

  /** A request the linker refuses, with the reason for the user. */
  public static final class BadRequest extends RuntimeException {
    public BadRequest(String message) {
      super(message);
    }
  }
}
