package dev.tidewater.iceberg;

import java.util.Map;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;

/** Commits written files to a table as one snapshot, the way one write disposition needs. */
public interface TableCommitter {
  /**
   * Commits {@code result} to {@code table} in one snapshot whose summary carries {@code summary};
   * returns the new snapshot's id.
   *
   * <p>Conflicts with concurrent commits ({@code CommitFailedException}) are retried by Iceberg
   * itself, a bounded number of times with exponential backoff ({@code commit.retry.*} table
   * properties); the committer of a {@link MergeSink} also re-plans the merge when a concurrent
   * commit conflicts with it ({@link MergeSink#committer}). A {@code CommitStateUnknownException}
   * is thrown as an external error whose cause is that exception: the files may be part of the
   * table, so the caller must not delete them. Any other failure means nothing was committed, and
   * the caller aborts its sinks.
   */
  default long commit(Table table, WriteResult result, Map<String, String> summary) {
    return commit(table.newTransaction(), result, summary);
  }

  /**
   * Adds the snapshot to {@code transaction} and commits the transaction — e.g. the transaction
   * that creates the table, so that a new table appears together with its first data.
   */
  default long commit(Transaction transaction, WriteResult result, Map<String, String> summary) {
    return commit(transaction, result, summary, SnapshotAncestryValidator.NON_VALIDATING);
  }

  /**
   * Like {@link #commit(Transaction, WriteResult, Map)}, and {@code validator} checks the table's
   * history each time the snapshot is applied — also on every retry after a conflict — so a commit
   * can depend on what the history says (e.g. that no other load moved a cursor). A failed check is
   * a {@code ValidationException}: nothing is committed.
   */
  long commit(
      Transaction transaction,
      WriteResult result,
      Map<String, String> summary,
      SnapshotAncestryValidator validator);
}
