package dev.tidewater.iceberg;

import java.util.concurrent.atomic.AtomicLong;

/** What a scan read, counted by the threads that read its files. */
public final class ScanCounters {
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong rowGroupsRead = new AtomicLong();
  private final AtomicLong rowGroupsSkipped = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicLong rowsDeleted = new AtomicLong();

  /** A snapshot of the counters. */
  public record Totals(
      long files,
      long rowGroupsRead,
      long rowGroupsSkipped,
      long bytesRead,
      long rowsRead,
      long rowsDeleted) {}

  void file() {
    files.incrementAndGet();
  }

  void rowGroupRead(long bytes) {
    rowGroupsRead.incrementAndGet();
    bytesRead.addAndGet(bytes);
  }

  void rowGroupSkipped() {
    rowGroupsSkipped.incrementAndGet();
  }

  /** Bytes of a file read whole (by the generic reader). */
  void bytes(long bytes) {
    bytesRead.addAndGet(bytes);
  }

  void rows(long read, long deleted) {
    rowsRead.addAndGet(read);
    rowsDeleted.addAndGet(deleted);
  }

  public Totals totals() {
    return new Totals(
        files.get(),
        rowGroupsRead.get(),
        rowGroupsSkipped.get(),
        bytesRead.get(),
        rowsRead.get(),
        rowsDeleted.get());
  }
}
