package dev.jobtrace.export;

import io.opentelemetry.contrib.disk.buffering.storage.impl.FileSpanStorage;
import io.opentelemetry.contrib.disk.buffering.storage.impl.FileStorageConfiguration;
import io.opentelemetry.contrib.disk.buffering.storage.result.WriteResult;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where one exporter's spans wait between a shutdown that could not deliver them and the next
 * start: OpenTelemetry's disk-buffering storage (OTLP protobuf in files), in a directory of the
 * exporter's own under the configured one, bounded in bytes. Written at shutdown, read back (and
 * removed) at the next start; a crash in between loses nothing written, a crash before shutdown
 * loses what was only in memory.
 */
final class DiskSpill {

  /** Spans per stored batch: a batch of full profile snippets stays well inside one file. */
  static final int WRITE_BATCH = 64;

  private static final int MAX_FILE_BYTES = 4 << 20;

  /** A file is read once this old: written for good by then (its writing ends at 500 ms). */
  static final long MIN_READ_AGE_MILLIS = 1_000;

  private final File dir;
  private final FileSpanStorage storage;

  private DiskSpill(File dir, FileSpanStorage storage) {
    this.dir = dir;
    this.storage = storage;
  }

  /** The exporter's store under {@code root}; throws with the reason when it cannot be used. */
  static DiskSpill open(String root, String exporter, long maxBytes) throws IOException {
    File dir = new File(root, exporter);
    Files.createDirectories(dir.toPath());
    if (!dir.canWrite()) {
      throw new IOException(dir + " is not writable");
    }
    int folder = (int) Math.min(Integer.MAX_VALUE, Math.max(maxBytes, 2L * MAX_FILE_BYTES));
    FileStorageConfiguration config =
        FileStorageConfiguration.builder()
            .setMaxFileSize(MAX_FILE_BYTES)
            .setMaxFolderSize(folder)
            // Files written at one shutdown are read at the next start, seconds later at least.
            .setMaxFileAgeForWriteMillis(500)
            .setMinFileAgeForReadMillis(MIN_READ_AGE_MILLIS)
            .setMaxFileAgeForReadMillis(TimeUnit.DAYS.toMillis(7))
            .build();
    return new DiskSpill(dir, FileSpanStorage.create(dir, config));
  }

  File dir() {
    return dir;
  }

  /** Writes the spans; the number written (fewer when the disk refused some). */
  int write(List<SpanData> spans) {
    int written = 0;
    for (int from = 0; from < spans.size(); from += WRITE_BATCH) {
      List<SpanData> batch = spans.subList(from, Math.min(spans.size(), from + WRITE_BATCH));
      WriteResult result = storage.write(batch).join();
      if (!result.isSuccessful()) {
        break;
      }
      written += batch.size();
    }
    return written;
  }

  /**
   * Every span stored by an earlier shutdown, each batch removed from the disk once read. Waits
   * until files written just before this start are old enough to read.
   */
  List<SpanData> readAll() throws InterruptedException {
    String[] files = dir.list();
    if (files == null || files.length == 0) {
      return List.of();
    }
    Thread.sleep(MIN_READ_AGE_MILLIS + 100);
    List<SpanData> spans = new ArrayList<>();
    for (Iterator<Collection<SpanData>> it = storage.iterator(); it.hasNext(); ) {
      Collection<SpanData> batch = it.next();
      if (batch != null) {
        spans.addAll(batch);
      }
    }
    return spans;
  }

  void close() {
    try {
      storage.close();
    } catch (IOException | RuntimeException e) {
      // Nothing left to keep.
    }
  }
}
