package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One row of load history. */
public record LoadRecord(
    String loadId,
    String source,
    String target,
    String disposition,
    LoadStatus status,
    long rowsRead,
    long rowsWritten,
    long rowsRejected,
    Long snapshotId,
    String cursorBefore,
    String cursorAfter,
    Instant startedAt,
    long durationMillis,
    String error) {
  public LoadRecord {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(source, "source is null");
    requireNonNull(target, "target is null");
    requireNonNull(disposition, "disposition is null");
    requireNonNull(status, "status is null");
    requireNonNull(startedAt, "startedAt is null");
  }

  /** The states of a load. */
  public enum LoadStatus {
    RUNNING,
    SUCCEEDED,
    FAILED,
    ROLLED_BACK
  }
}
