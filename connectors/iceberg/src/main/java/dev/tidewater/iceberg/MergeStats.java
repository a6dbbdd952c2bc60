package dev.tidewater.iceberg;

/**
 * What one MERGE did: incoming rows by outcome, and the work on the target table.
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
 * @param keyPasses passes over the target's key columns: 1, or more when the keys spilled to disk
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
    int keyPasses) {}
