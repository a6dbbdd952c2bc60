package dev.tidewater.iceberg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one MERGE did: incoming rows by outcome, and the work on the target table. After a commit
 * that had to be re-planned against concurrent commits, the counts are those of the committed
 * result: an incoming key that a concurrent load inserted meanwhile counts as an update. (A key
 * whose only target row a concurrent commit deleted meanwhile still counts as an update.)
 *
 * @param rowsInserted incoming rows whose key matched no target row
 * @param rowsUpdated incoming rows whose key matched a target row, which they replace
 * @param rowsDeleted incoming delete rows whose key matched a target row
 * @param deleteRowsUnmatched incoming delete rows whose key matched nothing
 * @param targetRowsRemoved target rows removed (more than updated plus deleted when the target held
 *     a key more than once)
 * @param targetFilesScanned data files whose key columns were read (their statistics could match)
 * @param targetFilesSkipped data files of the starting snapshot pruned by their statistics
 * @param targetFilesRewritten data files rewritten without the removed rows (copy-on-write)
 * @param keyPasses passes over the starting snapshot's key columns: 1, or more when the keys
 *     spilled to disk
 * @param replans times the merge was re-planned against a newer snapshot because concurrent commits
 *     conflicted with it (0 when its first commit went through)
 */
public record MergeStats(
    long rowsInserted,
    long rowsUpdated,
    long rowsDeleted,
    long deleteRowsUnmatched,
    long targetRowsRemoved,
    long targetFilesScanned,
    long targetFilesSkipped,
    long targetFilesRewritten,
    int keyPasses,
    int replans) {
  /** Snapshot summary key: incoming rows inserted. */
  public static final String ROWS_INSERTED = "tidewater.rows-inserted";

  /** Snapshot summary key: incoming rows that replaced a row. */
  public static final String ROWS_UPDATED = "tidewater.rows-updated";

  /** Snapshot summary key: incoming delete rows that removed a row. */
  public static final String ROWS_DELETED = "tidewater.rows-deleted";

  /** Snapshot summary key, present when the merge was re-planned: how many times. */
  public static final String REPLANS = "tidewater.merge-replans";

  /** The snapshot summary entries of these counts, as the merge's commit records them. */
  public Map<String, String> summary() {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put(ROWS_INSERTED, Long.toString(rowsInserted));
    summary.put(ROWS_UPDATED, Long.toString(rowsUpdated));
    summary.put(ROWS_DELETED, Long.toString(rowsDeleted));
    if (replans > 0) {
      summary.put(REPLANS, Integer.toString(replans));
    }
    return summary;
  }
}
