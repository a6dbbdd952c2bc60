package dev.tidewater.iceberg;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;

/** The committers of the write dispositions. */
public final class TableCommitters {
  private TableCommitters() {}

  /** APPEND: adds the new files to the table. */
  public static TableCommitter append() {
    return (Transaction transaction, WriteResult result, Map<String, String> summary) ->
        commit(
            transaction,
            result,
            summary,
            update -> {
              var append = update.newAppend();
              for (DataFile file : result.dataFiles()) {
                append.appendFile(file);
              }
              return append;
            });
  }

  /**
   * REPLACE: one snapshot that removes every row of the table, in every partition, and adds the new
   * files; with no new files it empties the table.
   */
  public static TableCommitter replace() {
    return (Transaction transaction, WriteResult result, Map<String, String> summary) ->
        commit(
            transaction,
            result,
            summary,
            update -> {
              var overwrite = update.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
              for (DataFile file : result.dataFiles()) {
                overwrite.addFile(file);
              }
              return overwrite;
            });
  }

  /**
   * Whether {@code error} (thrown by a committer) leaves the commit's outcome unknown, so that the
   * written files must be kept.
   */
  public static boolean commitStateUnknown(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof CommitStateUnknownException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Commits the update {@code operation} builds in a transaction (by default one of its own, which
   * retries the update on the latest metadata after a conflict); the transaction's metadata then
   * tells which snapshot was ours, even when other writers commit to the table at the same time.
   */
  private static long commit(
      Transaction transaction,
      WriteResult result,
      Map<String, String> summary,
      Function<Transaction, SnapshotUpdate<?>> operation) {
    Table table = transaction.table();
    if (!result.deleteFiles().isEmpty()) {
      throw TidewaterException.internal(
          null, "this disposition cannot commit delete files (table %s)", table.name());
    }
    try {
      SnapshotUpdate<?> update = operation.apply(transaction);
      summary.forEach(update::set);
      update.commit();
      transaction.commitTransaction();
      return transaction.table().currentSnapshot().snapshotId();
    } catch (CommitStateUnknownException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "the commit to %s may or may not have succeeded; the written files are kept: %s",
              table.name(), e.getMessage()),
          e);
    } catch (CommitFailedException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "the commit to %s kept conflicting with concurrent commits: %s",
              table.name(), e.getMessage()),
          e);
    } catch (ValidationException e) {
      throw new TidewaterException(
          ErrorKind.USER,
          String.format("the commit to %s is not valid: %s", table.name(), e.getMessage()),
          e);
    } catch (TidewaterException e) {
      throw e;
    } catch (RuntimeException e) {
      throw TidewaterException.external(e, "the commit to %s failed: %s", table.name(), e);
    }
  }
}
