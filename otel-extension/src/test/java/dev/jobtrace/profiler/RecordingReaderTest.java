package dev.jobtrace.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingReaderTest {

  static volatile long sink;

  static void spinInKnownFrame(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      sink += System.identityHashCode(new Object());
    }
  }

  /**
   * A real recording of this thread: two finished chunks, the second written after the first was
   * read.
   */
  static Path record(Path dir, List<Sample> flushed) throws Exception {
    WallClockProfiler profiler = WallClockProfiler.start(5_000_000, dir.toString(), true);
    try {
      profiler.addCurrentThread();
      spinInKnownFrame(300);
      flushed.addAll(profiler.flush());
      spinInKnownFrame(300);
      flushed.addAll(profiler.flush());
      profiler.removeCurrentThread();
      try (var files = Files.list(dir)) {
        Path recording = files.filter(f -> f.toString().endsWith(".jfr")).findFirst().orElseThrow();
        Path copy = Files.createTempFile("recording-copy", ".jfr");
        Files.copy(recording, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
      }
    } finally {
      profiler.stop();
    }
  }

  @Test
  void finishedChunksAreReadOnceAndAChunkStillBeingWrittenWaits() throws Exception {
    List<Sample> flushed = new ArrayList<>();
    Path recording = record(Files.createTempDirectory("jobtrace-recording"), flushed);
    long thisThread = Thread.currentThread().getId();
    assertThat(flushed).isNotEmpty().allMatch(s -> s.threadId() == thisThread);
    assertThat(flushed).anyMatch(s -> s.stack().contains("RecordingReaderTest.spinInKnownFrame_["));

    // Read back from the start: the same samples, each once (the chunk the profiler went on
    // writing after the last flush is not finished, so it is not read).
    RecordingReader all = new RecordingReader(recording, -1);
    List<Sample> again = all.readCompleteChunks();
    assertThat(again).hasSameSizeAs(flushed);
    assertThat(all.readCompleteChunks()).isEmpty();

    // The same file cut inside its last chunk, as while async-profiler writes it: the chunks
    // before are read, the cut one is left for later.
    Path cut = Files.createTempFile("recording-cut", ".jfr");
    byte[] bytes = Files.readAllBytes(recording);
    long finished = all.bytesRead();
    Files.write(cut, Arrays.copyOf(bytes, (int) finished - 10));
    RecordingReader partial = new RecordingReader(cut, -1);
    List<Sample> firstChunks = partial.readCompleteChunks();
    assertThat(firstChunks.size()).isLessThan(flushed.size());
    assertThat(partial.bytesRead()).isPositive().isLessThan(finished);
    // Once the rest arrives, the rest is read, and nothing twice.
    Files.write(cut, bytes);
    assertThat(firstChunks.size() + partial.readCompleteChunks().size()).isEqualTo(flushed.size());
    assertThat(partial.bytesRead()).isEqualTo(finished);
  }
}
