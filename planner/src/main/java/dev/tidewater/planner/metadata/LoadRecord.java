package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of load history. {@code owner} names the process that runs (or ran) the load, as {@code
 * host/pid/process-start-millis}, so that a later process can tell a load whose process died from
 * one still running; {@code contract} is {@code name v<version>} for loads with a contract; {@code
 * branch} is the write-audit-publish branch of {@code LOAD ... AT BRANCH}, null for main.
 */
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
    String error,
    String owner,
    String contract,
    String branch) {
  /** A load on the table's main branch. */
  public LoadRecord(
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
      String error,
      String owner,
      String contract) {
    this(
        loadId,
        source,
        target,
        disposition,
        status,
        rowsRead,
        rowsWritten,
        rowsRejected,
        snapshotId,
        cursorBefore,
        cursorAfter,
        startedAt,
        durationMillis,
        error,
        owner,
        contract,
        null);
  }

  public LoadRecord {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(source, "source is null");
    requireNonNull(target, "target is null");
    requireNonNull(disposition, "disposition is null");
    requireNonNull(status, "status is null");
    requireNonNull(startedAt, "startedAt is null");
  }

  /** The same load in another state, with another snapshot, cursor after and error. */
  public LoadRecord withOutcome(
      LoadStatus newStatus, Long newSnapshotId, String newCursorAfter, String newError) {
    return new LoadRecord(
        loadId,
        source,
        target,
        disposition,
        newStatus,
        rowsRead,
        rowsWritten,
        rowsRejected,
        newSnapshotId,
        cursorBefore,
        newCursorAfter,
        startedAt,
        durationMillis,
        newError,
        owner,
        contract,
        branch);
  }

  /** The same load, at {@code newBranch} (null: main). */
  public LoadRecord withBranch(String newBranch) {
    return new LoadRecord(
        loadId,
        source,
        target,
        disposition,
        status,
        rowsRead,
        rowsWritten,
        rowsRejected,
        snapshotId,
        cursorBefore,
        cursorAfter,
        startedAt,
        durationMillis,
        error,
        owner,
        contract,
        newBranch);
  }

  /** The states of a load. */
  public enum LoadStatus {
    /** Reading, validating, writing or committing. */
    RUNNING,
    /** Committed. */
    SUCCEEDED,
    /** Nothing was committed. */
    FAILED,
    /**
     * The commit's outcome was unknown when the load ended (the catalog did not answer); the next
     * look at the table tells SUCCEEDED from FAILED.
     */
    UNKNOWN,
    /** A contract's {@code tables} mode discarded a load into a new table: nothing was read. */
    SKIPPED,
    /** Committed, then undone by {@code ROLLBACK LOAD}. */
    ROLLED_BACK,
    /**
     * Cancelled by its client (or a disconnect) or stopped by a statement timeout before it
     * committed: nothing was committed.
     */
    CANCELLED
  }
}
