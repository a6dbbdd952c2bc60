package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.util.ContentFileUtil;

/** The committers of the write dispositions. */
public final class TableCommitters {
  /**
   * Attempts of a commit whose transaction also changes the schema, which Iceberg cannot retry on
   * its own; each later one runs in a new transaction that applies the schema change again.
   */
  static final int MAX_ATTEMPTS = 10;

  private TableCommitters() {}

  /** APPEND: adds the new files to the table. */
  public static TableCommitter append() {
    return (Transaction transaction,
        WriteResult result,
        Map<String, String> summary,
        SnapshotAncestryValidator validator) ->
        commit(
            transaction,
            summary,
            validator,
            ValidationFailure.INVALID,
            update -> {
              requireOnlyDataFiles(update.table(), result);
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
    return (Transaction transaction,
        WriteResult result,
        Map<String, String> summary,
        SnapshotAncestryValidator validator) ->
        commit(
            transaction,
            summary,
            validator,
            ValidationFailure.INVALID,
            update -> {
              requireOnlyDataFiles(update.table(), result);
              var overwrite = update.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
              for (DataFile file : result.dataFiles()) {
                overwrite.addFile(file);
              }
              return overwrite;
            });
  }

  /**
   * MERGE: one snapshot that adds the new rows and removes the rows they replace, validated against
   * every commit since {@code startingSnapshotId} (all commits when null: the table was empty).
   *
   * <p>Merge-on-read results (delete files, nothing in {@link WriteResult#removedDataFiles}) commit
   * as a {@code RowDelta}: it adds the data and delete files, drops the delete files the new ones
   * absorbed, and fails when a concurrent commit removed a data file the deletes point at, added
   * deletes to data files that {@code conflictFilter} can match, or — under {@link
   * IsolationLevel#SERIALIZABLE} — added data files that {@code conflictFilter} can match (rows
   * with an incoming key that the merge did not see). Copy-on-write results commit as an {@code
   * OverwriteFiles} with the same checks. {@code CommitFailedException} is retried by Iceberg,
   * which re-runs these validations against the new table state; a failed validation is an external
   * error that says to run the load again.
   *
   * <p>This committer cannot re-plan the merge; {@link MergeSink#committer()} can, and resolves
   * such conflicts the way running the two writes one after the other would.
   */
  public static TableCommitter merge(
      Long startingSnapshotId, Expression conflictFilter, IsolationLevel isolation) {
    requireNonNull(conflictFilter, "conflictFilter is null");
    requireNonNull(isolation, "isolation is null");
    return (Transaction transaction,
        WriteResult result,
        Map<String, String> summary,
        SnapshotAncestryValidator validator) ->
        commit(
            transaction,
            summary,
            validator,
            ValidationFailure.CONFLICT,
            update -> mergeUpdate(update, result, startingSnapshotId, conflictFilter, isolation));
  }

  /**
   * The {@code RowDelta} (merge-on-read) or {@code OverwriteFiles} (copy-on-write) that commits a
   * merge result in {@code update}, validated from {@code startingSnapshotId}.
   */
  static SnapshotUpdate<?> mergeUpdate(
      Transaction update,
      WriteResult result,
      Long startingSnapshotId,
      Expression conflictFilter,
      IsolationLevel isolation) {
    return result.removedDataFiles().isEmpty()
        ? rowDelta(update, result, startingSnapshotId, conflictFilter, isolation)
        : overwrite(update, result, startingSnapshotId, conflictFilter, isolation);
  }

  private static SnapshotUpdate<?> rowDelta(
      Transaction update,
      WriteResult result,
      Long startingSnapshotId,
      Expression conflictFilter,
      IsolationLevel isolation) {
    RowDelta delta = update.newRowDelta();
    result.dataFiles().forEach(delta::addRows);
    result.deleteFiles().forEach(delta::addDeletes);
    result.removedDeleteFiles().forEach(delta::removeDeletes);
    if (startingSnapshotId != null) {
      delta.validateFromSnapshot(startingSnapshotId);
    }
    List<String> referenced = new ArrayList<>();
    for (DeleteFile file : result.deleteFiles()) {
      String location = ContentFileUtil.referencedDataFileLocation(file);
      if (location == null) {
        throw TidewaterException.internal(
            null, "delete file %s names no single data file", file.location());
      }
      referenced.add(location);
    }
    delta
        .conflictDetectionFilter(conflictFilter)
        .validateDataFilesExist(referenced)
        .validateDeletedFiles()
        .validateNoConflictingDeleteFiles();
    if (isolation == IsolationLevel.SERIALIZABLE) {
      delta.validateNoConflictingDataFiles();
    }
    return delta;
  }

  private static SnapshotUpdate<?> overwrite(
      Transaction update,
      WriteResult result,
      Long startingSnapshotId,
      Expression conflictFilter,
      IsolationLevel isolation) {
    if (!result.deleteFiles().isEmpty() || !result.removedDeleteFiles().isEmpty()) {
      throw TidewaterException.internal(
          null,
          "a copy-on-write merge into %s cannot also commit delete files",
          update.table().name());
    }
    OverwriteFiles overwrite = update.newOverwrite();
    result.removedDataFiles().forEach(overwrite::deleteFile);
    result.dataFiles().forEach(overwrite::addFile);
    if (startingSnapshotId != null) {
      overwrite.validateFromSnapshot(startingSnapshotId);
    }
    overwrite.conflictDetectionFilter(conflictFilter).validateNoConflictingDeletes();
    if (isolation == IsolationLevel.SERIALIZABLE) {
      overwrite.validateNoConflictingData();
    }
    return overwrite;
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

  private static void requireOnlyDataFiles(Table table, WriteResult result) {
    if (!result.deleteFiles().isEmpty()
        || !result.removedDataFiles().isEmpty()
        || !result.removedDeleteFiles().isEmpty()) {
      throw TidewaterException.internal(
          null, "this disposition can only add data files (table %s)", table.name());
    }
  }

  /** What a failed validation means for the user. */
  enum ValidationFailure {
    /** The commit itself is not valid. */
    INVALID,
    /** A concurrent commit changed what this one read; running the load again helps. */
    CONFLICT
  }

  /**
   * Commits the update {@code operation} builds in a transaction (by default one of its own, which
   * retries the update on the latest metadata after a conflict); the transaction's metadata then
   * tells which snapshot was ours, even when other writers commit to the table at the same time. A
   * transaction that also changes the schema is retried in a new transaction with the schema change
   * applied again ({@link TransactionReplay}).
   */
  private static long commit(
      Transaction transaction,
      Map<String, String> summary,
      SnapshotAncestryValidator validator,
      ValidationFailure validationFailure,
      Function<Transaction, SnapshotUpdate<?>> operation) {
    String table = transaction.table().name();
    TransactionReplay replay = TransactionReplay.of(transaction);
    Transaction attempt = transaction;
    for (int round = 1; ; round++) {
      try {
        return attempt(attempt, summary, validator, operation);
      } catch (CommitFailedException e) {
        // Iceberg retries a transaction itself, but not one that changes the schema
        if (!replay.changesSchema() || round == MAX_ATTEMPTS) {
          throw failure(table, validationFailure, e);
        }
      } catch (RuntimeException e) {
        throw failure(table, validationFailure, e);
      }
      try {
        TransactionReplay.pause(round, table);
        attempt = replay.newTransaction(table);
      } catch (RuntimeException e) {
        throw failure(table, validationFailure, e);
      }
    }
  }

  /**
   * Adds the update {@code operation} builds to {@code transaction} with {@code summary} and the
   * history check {@code validator}, and commits the transaction; Iceberg's exceptions pass through
   * unchanged.
   */
  static long attempt(
      Transaction transaction,
      Map<String, String> summary,
      SnapshotAncestryValidator validator,
      Function<Transaction, SnapshotUpdate<?>> operation) {
    SnapshotUpdate<?> update = operation.apply(transaction);
    summary.forEach(update::set);
    String branch = summary.get(Branches.SUMMARY_KEY);
    if (branch != null) {
      update.toBranch(branch);
    }
    update.validateWith(validator);
    update.commit();
    transaction.commitTransaction();
    return branch == null
        ? transaction.table().currentSnapshot().snapshotId()
        : transaction.table().refs().get(branch).snapshotId();
  }

  /** The error the user sees for {@code e}, thrown by a commit to {@code table}. */
  static TidewaterException failure(
      String table, ValidationFailure validationFailure, RuntimeException e) {
    if (e instanceof CommitStateUnknownException) {
      return new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "the commit to %s may or may not have succeeded; the written files are kept: %s",
              table, e.getMessage()),
          e);
    }
    if (e instanceof CommitFailedException) {
      return new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "the commit to %s kept conflicting with concurrent commits: %s",
              table, e.getMessage()),
          e);
    }
    if (e instanceof ValidationException) {
      if (validationFailure == ValidationFailure.CONFLICT) {
        return new TidewaterException(
            ErrorKind.EXTERNAL,
            String.format(
                "the merge into %s conflicts with a change committed to the table since the load"
                    + " started; nothing was committed, run the load again: %s",
                table, e.getMessage()),
            e);
      }
      return new TidewaterException(
          ErrorKind.USER,
          String.format("the commit to %s is not valid: %s", table, e.getMessage()),
          e);
    }
    if (e instanceof TidewaterException tidewater) {
      return tidewater;
    }
    return TidewaterException.external(e, "the commit to %s failed: %s", table, e);
  }
}
