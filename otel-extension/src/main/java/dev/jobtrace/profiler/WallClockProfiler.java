package dev.jobtrace.profiler;

import dev.jobtrace.contract.ProfileSnippetFormat;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import one.jfr.JfrReader;
import one.jfr.MethodRef;
import one.jfr.StackTrace;
import one.jfr.event.ExecutionSample;
import one.profiler.AsyncProfiler;

/**
 * async-profiler in wall-clock mode, sampling only the threads added to its filter, recording to
 * a JFR file whose timestamps use the monotonic clock ({@code System.nanoTime}). Each {@link
 * #flush()} closes the current JFR chunk and returns the samples in it.
 */
public final class WallClockProfiler {

  private static final int CHUNK_HEADER = 68;
  private static final int FLR_MAGIC = 0x464c5200;
  /** Past this size the recording starts over in a new file. */
  static final long MAX_RECORDING_BYTES = 64L << 20;

  private final AsyncProfiler profiler;
  private final long intervalNanos;
  private final File dir;
  private File file;
  private long readOffset;
  private boolean rotated;

  private WallClockProfiler(AsyncProfiler profiler, long intervalNanos, File dir) {
    this.profiler = profiler;
    this.intervalNanos = intervalNanos;
    this.dir = dir;
  }

  /** Loads async-profiler and starts recording; throws with the reason when it cannot. */
  public static WallClockProfiler start(long intervalNanos, String recordingDir) throws Exception {
    AsyncProfiler profiler;
    try {
      profiler = AsyncProfiler.getInstance();
    } catch (Throwable t) {
      throw new IllegalStateException("async-profiler could not be loaded: " + describe(t), t);
    }
    File dir = new File(recordingDir);
    WallClockProfiler p = new WallClockProfiler(profiler, intervalNanos, dir);
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

  private void startRecording() throws IOException {
    file = File.createTempFile("jobtrace-profile-", ".jfr", dir);
    file.deleteOnExit();
    readOffset = 0;
    profiler.execute(
        "start,event=wall,interval="
            + intervalNanos
            + "ns,filter,nobatch,cstack=vm,clock=monotonic,jfr,file="
            + file.getAbsolutePath());
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
    List<Sample> samples = readCompleteChunks();
    if (readOffset > MAX_RECORDING_BYTES) {
      rotate(samples);
    }
    return samples;
  }

  /** Starts a new recording file; the thread filter starts empty, so the caller re-adds threads. */
  private void rotate(List<Sample> samples) throws IOException {
    profiler.execute("stop");
    samples.addAll(readCompleteChunks());
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

  private List<Sample> readCompleteChunks() throws IOException {
    List<Sample> samples = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
      long size = ch.size();
      long end = readOffset;
      ByteBuffer header = ByteBuffer.allocate(16);
      while (end + CHUNK_HEADER <= size) {
        header.clear();
        ch.read(header, end);
        header.flip();
        int magic = header.getInt();
        header.getInt();
        long chunkSize = header.getLong();
        // The chunk being written carries a placeholder size until it is finished.
        if (magic != FLR_MAGIC || chunkSize <= 0 || end + chunkSize > size) {
          break;
        }
        end += chunkSize;
      }
      if (end == readOffset) {
        return samples;
      }
      ByteBuffer chunks = ByteBuffer.allocate((int) (end - readOffset));
      ch.read(chunks, readOffset);
      chunks.flip();
      readOffset = end;
      read(new JfrReader(chunks), samples);
    }
    return samples;
  }

  private static void read(JfrReader jfr, List<Sample> out) throws IOException {
    Map<Integer, String> folded = new HashMap<>();
    for (ExecutionSample e; (e = jfr.readEvent(ExecutionSample.class)) != null; ) {
      Long javaThread = jfr.javaThreads.get(e.tid);
      if (javaThread == null) {
        continue;
      }
      String stack = folded.get(e.stackTraceId);
      if (stack == null) {
        stack = fold(jfr, jfr.stackTraces.get(e.stackTraceId));
        folded.put(e.stackTraceId, stack);
      }
      // With clock=monotonic the ticks are System.nanoTime values.
      long nanos = jfr.ticksPerSec == TimeUnit.SECONDS.toNanos(1) ? e.time
          : jfr.chunkStartNanos + (long) ((e.time - jfr.chunkStartTicks) * jfr.nanosPerTick);
      out.add(new Sample(javaThread, nanos, stack));
    }
  }

  /**
   * Root first, {@code pkg.Class.method} frames separated by {@code ;}. Java frames only: the
   * VM-structs walker (the one that can walk a virtual thread resumed on a carrier) also reports
   * native and JVM frames, which would make stacks differ between JDKs and walkers.
   */
  static String fold(JfrReader jfr, StackTrace trace) {
    if (trace == null) {
      return "[unknown]";
    }
    boolean anyJava = false;
    for (int i = 0; i < trace.methods.length; i++) {
      anyJava |= !isNative(trace, i);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = trace.methods.length - 1; i >= 0; i--) {
      if (anyJava && isNative(trace, i)) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(';');
      }
      sb.append(frameName(jfr, trace.methods[i]));
      sb.append(ProfileSnippetFormat.typeSuffix(trace.types == null || i >= trace.types.length ? -1 : trace.types[i]));
    }
    return sb.toString();
  }

  /** Native, JVM-internal and kernel frames, in async-profiler's frame types. */
  private static boolean isNative(StackTrace trace, int i) {
    int type = trace.types == null || i >= trace.types.length ? -1 : trace.types[i];
    return type == 3 || type == 4 || type == 5;
  }

  private static String frameName(JfrReader jfr, long methodId) {
    MethodRef method = jfr.methods.get(methodId);
    if (method == null) {
      return "[unknown]";
    }
    String name = new String(jfr.symbols.get(method.name), java.nio.charset.StandardCharsets.UTF_8);
    one.jfr.ClassRef cls = jfr.classes.get(method.cls);
    if (cls == null) {
      return name;
    }
    String className =
        new String(jfr.symbols.get(cls.name), java.nio.charset.StandardCharsets.UTF_8).replace('/', '.');
    return className.isEmpty() ? name : className + "." + name;
  }
}
