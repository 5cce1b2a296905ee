package dev.jobtrace.profiler;

import dev.jobtrace.contract.ProfileSnippetFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import one.jfr.ClassRef;
import one.jfr.JfrReader;
import one.jfr.MethodRef;
import one.jfr.StackTrace;
import one.jfr.event.ContendedLock;
import one.jfr.event.Event;
import one.jfr.event.ExecutionSample;

/**
 * Reads the samples of a JFR recording that async-profiler is still writing: only the chunks it has
 * finished (the one being written carries a placeholder size), each once, in order. Stacks are
 * folded root first, Java frames only, with async-profiler's frame-type suffixes.
 */
final class RecordingReader {

  private static final int CHUNK_HEADER = 68;
  private static final int FLR_MAGIC = 0x464c5200;

  /**
   * The name the launcher's main thread comes back under when {@code main} returns: it detaches and
   * attaches again as a new Java thread on the same OS thread, and async-profiler names that OS
   * thread after the newer Java thread for every sample in the chunk, main's last ones included.
   */
  static final String DESTROY_JAVA_VM = "DestroyJavaVM";

  private final Path file;

  /** The Java id of the launcher's main thread; -1 when not known. */
  private final long mainThreadId;

  private long readOffset;

  RecordingReader(Path file, long mainThreadId) {
    this.file = file;
    this.mainThreadId = mainThreadId;
  }

  /** Bytes of finished chunks read so far. */
  long bytesRead() {
    return readOffset;
  }

  /** The samples of the chunks finished since the last call. */
  List<Sample> readCompleteChunks() throws IOException {
    List<Sample> samples = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
      read(new JfrReader(chunks), samples, mainThreadId);
    }
    return samples;
  }

  private static void read(JfrReader jfr, List<Sample> out, long mainThreadId) throws IOException {
    Map<Integer, String> folded = new HashMap<>();
    for (Event e; (e = jfr.readEvent()) != null; ) {
      if (!(e instanceof ExecutionSample) && !(e instanceof ContendedLock)) {
        continue;
      }
      Long javaThread = jfr.javaThreads.get(e.tid);
      if (mainThreadId >= 0 && DESTROY_JAVA_VM.equals(jfr.threads.get(e.tid))) {
        // Main's samples, up to its return; after that the thread is in no span.
        javaThread = mainThreadId;
      }
      if (javaThread == null) {
        continue;
      }
      String stack = folded.get(e.stackTraceId);
      if (stack == null) {
        stack = fold(jfr, jfr.stackTraces.get(e.stackTraceId));
        folded.put(e.stackTraceId, stack);
      }
      // With clock=monotonic the ticks are System.nanoTime values.
      long nanos =
          jfr.ticksPerSec == TimeUnit.SECONDS.toNanos(1)
              ? e.time
              : jfr.chunkStartNanos + (long) ((e.time - jfr.chunkStartTicks) * jfr.nanosPerTick);
      if (e instanceof ContendedLock lock) {
        long waited =
            jfr.ticksPerSec == TimeUnit.SECONDS.toNanos(1)
                ? lock.duration
                : (long) (lock.duration * jfr.nanosPerTick);
        out.add(new Sample(javaThread, nanos, stack, Math.max(1, waited), className(jfr, lock)));
      } else {
        out.add(new Sample(javaThread, nanos, stack));
      }
    }
  }

  /** The lock's class, dotted ({@code com.acme.RateCache}); "(unknown)" when not recorded. */
  private static String className(JfrReader jfr, ContendedLock lock) {
    ClassRef cls = jfr.classes.get(lock.classId);
    if (cls == null) {
      return "(unknown)";
    }
    byte[] name = jfr.symbols.get(cls.name);
    return name == null ? "(unknown)" : new String(name, StandardCharsets.UTF_8).replace('/', '.');
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
      sb.append(
          ProfileSnippetFormat.typeSuffix(
              trace.types == null || i >= trace.types.length ? -1 : trace.types[i]));
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
    String name = new String(jfr.symbols.get(method.name), StandardCharsets.UTF_8);
    ClassRef cls = jfr.classes.get(method.cls);
    if (cls == null) {
      return name;
    }
    String className =
        new String(jfr.symbols.get(cls.name), StandardCharsets.UTF_8).replace('/', '.');
    return className.isEmpty() ? name : className + "." + name;
  }
}
