package dev.jobtrace.profiler;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import one.profiler.AsyncProfiler;

/**
 * async-profiler in wall-clock mode, sampling only the threads added to its filter, recording to a
 * JFR file whose timestamps use the monotonic clock ({@code System.nanoTime}). Each {@link
 * #flush()} closes the current JFR chunk and returns the samples in it, read by {@link
 * RecordingReader}. This class controls the profiler only.
 */
public final class WallClockProfiler {

  /** Past this size the recording starts over in a new file. */
  static final long MAX_RECORDING_BYTES = 64L << 20;

  private final AsyncProfiler profiler;
  private final long intervalNanos;
  private final File dir;
  private final long mainThreadId;
  private File file;
  private RecordingReader reader;
  private boolean rotated;

  private WallClockProfiler(
      AsyncProfiler profiler, long intervalNanos, File dir, boolean lockWaits) {
    this.lockWaits = lockWaits;
    this.profiler = profiler;
    this.intervalNanos = intervalNanos;
    this.dir = dir;
    this.mainThreadId = mainThreadId();
  }

  /**
   * The launcher's main thread, when this starts on it (the agent sets up in premain there): when
   * {@code main} returns, that thread's last samples are recorded under another name.
   */
  private static long mainThreadId() {
    Thread t = Thread.currentThread();
    return "main".equals(t.getName()) ? t.getId() : -1;
  }

  /** Loads async-profiler and starts recording; throws with the reason when it cannot. */
  public static WallClockProfiler start(long intervalNanos, String recordingDir, boolean lockWaits)
      throws Exception {
    AsyncProfiler profiler;
    try {
      profiler = AsyncProfiler.getInstance();
    } catch (Throwable t) {
      throw new IllegalStateException("async-profiler could not be loaded: " + describe(t), t);
    }
    File dir = new File(recordingDir);
    WallClockProfiler p = new WallClockProfiler(profiler, intervalNanos, dir, lockWaits);
    p.startRecording();
    return p;
  }

  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /**
   * Waits for contended locks are recorded alongside the samples: every wait at least this long,
   * and one in each such stretch of shorter waits (async-profiler's lock interval), so a recorded
   * wait stands for at least this much blocked time.
   */
  public static final long LOCK_INTERVAL_NANOS = 1_000_000;

  /** Whether lock waits are to be recorded (otel.jobtrace.profiler.lock-waits). */
  private final boolean lockWaits;

  /** Why lock waits are not recorded though asked for; null while they are. */
  private volatile String locksUnavailable;

  private void startRecording() throws IOException {
    file = File.createTempFile("jobtrace-profile-", ".jfr", dir);
    file.deleteOnExit();
    reader = new RecordingReader(file.toPath(), mainThreadId);
    String wall =
        "start,event=wall,interval="
            + intervalNanos
            + "ns,filter,nobatch,cstack=vm,clock=monotonic,jfr,file="
            + file.getAbsolutePath();
    if (lockWaits && locksUnavailable == null) {
      try {
        profiler.execute(wall + ",lock=" + LOCK_INTERVAL_NANOS + "ns");
        return;
      } catch (IOException | RuntimeException e) {
        // Samples matter more than lock waits: record without them.
        locksUnavailable = "lock waits are not recorded: " + describe(e);
      }
    }
    profiler.execute(wall);
  }

  /** Why lock waits are not recorded beside the samples; null when they are. */
  public String locksUnavailable() {
    return locksUnavailable;
  }

  /** Samples the calling thread from now on. */
  public void addCurrentThread() {
    profiler.addThread(null);
  }

  public void removeCurrentThread() {
    profiler.removeThread(null);
  }

  public void addThread(Thread thread) {
    profiler.addThread(thread);
  }

  public void removeThread(Thread thread) {
    profiler.removeThread(thread);
  }

  /** Everything recorded since the last flush. Called from one thread only. */
  public List<Sample> flush() throws IOException {
    profiler.execute("dump,jfr,file=" + file.getAbsolutePath());
    List<Sample> samples = reader.readCompleteChunks();
    if (reader.bytesRead() > MAX_RECORDING_BYTES) {
      rotate(samples);
    }
    return samples;
  }

  /** Starts a new recording file; the thread filter starts empty, so the caller re-adds threads. */
  private void rotate(List<Sample> samples) throws IOException {
    profiler.execute("stop");
    samples.addAll(reader.readCompleteChunks());
    File old = file;
    startRecording();
    rotated = true;
    Files.deleteIfExists(old.toPath());
  }

  /** True once after each rotation: the new recording samples no thread until they are re-added. */
  public boolean takeRotated() {
    boolean r = rotated;
    rotated = false;
    return r;
  }

  public void stop() {
    try {
      profiler.execute("stop");
    } catch (Exception ignored) {
      // already stopped
    }
    if (file != null) {
      file.delete();
    }
  }
}
