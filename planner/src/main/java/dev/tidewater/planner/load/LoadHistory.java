package dev.tidewater.planner.load;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.LoadRecord.LoadStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles load history that a process could not finish writing: a load still RUNNING whose process
 * is gone (killed, crashed), or one whose commit outcome was UNKNOWN. The table is the truth — a
 * load committed if and only if a snapshot of its table carries its {@code tidewater.load-id} — so
 * such a record becomes SUCCEEDED (with the snapshot and the cursor it committed) or FAILED.
 *
 * <p>A RUNNING record is settled only when its owner process is known to be gone: a process on this
 * host with that pid and start time no longer runs. Records of other hosts stay RUNNING until their
 * table shows the commit (nodes sharing a metadata store cannot see each other's processes).
 */
public final class LoadHistory {
  private static final Logger LOG = LoggerFactory.getLogger(LoadHistory.class);
  private static final String HOST = hostName();
  private static final String PROCESS =
      HOST
          + "/"
          + ProcessHandle.current().pid()
          + "/"
          + ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);

  /**
   * How long after its commit a load whose process may still run is left to record its outcome
   * itself (it does so milliseconds after the commit).
   */
  private static final long RECORDING_GRACE_MILLIS = 60_000;

  private LoadHistory() {}

  /** This process as a load's owner: {@code host/pid/start-millis}. */
  public static String currentProcess() {
    return PROCESS;
  }

  /** Whether a record's outcome is not settled yet. */
  public static boolean unsettled(LoadRecord load) {
    return load.status() == LoadStatus.RUNNING || load.status() == LoadStatus.UNKNOWN;
  }

  /**
   * The record as the table says it ended, or the record itself when it is settled or its process
   * may still run it.
   */
  public static LoadRecord settle(
      LoadRecord load, CatalogRegistry catalogs, String defaultCatalog, String defaultNamespace) {
    if (!unsettled(load)) {
      return load;
    }
    boolean ownerGone = load.status() == LoadStatus.UNKNOWN || ownerGone(load.owner());
    Optional<Snapshot> committed;
    try {
      committed = committedSnapshot(load, catalogs, defaultCatalog, defaultNamespace);
    } catch (RuntimeException e) {
      LOG.debug("cannot look up the table of load {}: {}", load.loadId(), e.toString());
      return load;
    }
    if (committed.isPresent()) {
      Snapshot snapshot = committed.get();
      if (!ownerGone
          && System.currentTimeMillis() - snapshot.timestampMillis() < RECORDING_GRACE_MILLIS) {
        // Its process may be about to record the outcome itself, with the full counts.
        return load;
      }
      Map<String, String> summary = snapshot.summary();
      String cursor = summary.get(Cursors.summaryKey(load.source()));
      return new LoadRecord(
          load.loadId(),
          load.source(),
          load.target(),
          load.disposition(),
          LoadStatus.SUCCEEDED,
          count(summary, "tidewater.rows-read", load.rowsRead()),
          count(summary, "tidewater.rows-written", load.rowsWritten()),
          count(summary, "tidewater.rows-rejected", load.rowsRejected()),
          snapshot.snapshotId(),
          load.cursorBefore(),
          cursor == null ? load.cursorBefore() : cursor,
          load.startedAt(),
          Math.max(0, snapshot.timestampMillis() - load.startedAt().toEpochMilli()),
          null,
          load.owner(),
          load.contract());
    }
    if (!ownerGone) {
      return load;
    }
    String error =
        load.status() == LoadStatus.UNKNOWN
            ? "the commit's outcome was unknown, and the table holds no snapshot of this load:"
                + " nothing was committed ("
                + load.error()
                + ")"
            : "the process running this load ("
                + load.owner()
                + ") ended before the load committed; nothing was committed";
    return load.withOutcome(LoadStatus.FAILED, null, load.cursorBefore(), error);
  }

  private static long count(Map<String, String> summary, String key, long otherwise) {
    String value = summary.get(key);
    try {
      return value == null ? otherwise : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static Optional<Snapshot> committedSnapshot(
      LoadRecord load, CatalogRegistry catalogs, String defaultCatalog, String defaultNamespace) {
    TableName target =
        TableName.resolve(
            List.of(load.target().split("\\.")),
            defaultCatalog,
            defaultNamespace,
            Set.copyOf(catalogs.names()));
    var catalog = catalogs.catalog(target.catalog());
    if (!catalog.tableExists(target.identifier())) {
      return Optional.empty();
    }
    Table table = catalog.loadTable(target.identifier());
    for (Snapshot snapshot : table.snapshots()) {
      if (load.loadId().equals(snapshot.summary().get("tidewater.load-id"))) {
        return Optional.of(snapshot);
      }
    }
    return Optional.empty();
  }

  /** Whether the owner process is known to have ended: same host, and its pid is gone or reused. */
  static boolean ownerGone(String owner) {
    if (owner == null) {
      return false;
    }
    String[] parts = owner.split("/");
    if (parts.length != 3 || !parts[0].equals(HOST)) {
      return false;
    }
    if (owner.equals(PROCESS)) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[1]);
      start = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    return ProcessHandle.of(pid)
        .map(
            process ->
                process.info().startInstant().map(i -> i.toEpochMilli() != start).orElse(false))
        .orElse(true);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
