package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the result of a {@link MergeSink}. When the commit fails because commits that landed
 * after the snapshot it read conflict with it (Iceberg's validation, or {@code
 * CommitFailedException} once Iceberg's own retries are spent), it re-plans the merge against the
 * table's new state ({@link MergeSink#replan}) and commits again, validated from the new snapshot,
 * after a backoff with jitter — at most {@value #MAX_ROUNDS} attempts. The outcome is what running
 * the merge after those commits gives: per key, the last committer wins.
 *
 * <p>A later attempt runs in a new transaction ({@link TransactionReplay}): the schema changes of
 * the caller's transaction (a load's schema evolution) are applied to it again. A transaction that
 * creates the table, or that carries other changes, cannot be replayed: its conflicts fail the
 * load. A {@code CommitStateUnknownException} ends everything and keeps every file.
 */
final class MergeCommitter implements TableCommitter {
  /** Commit attempts of one merge, the first included. */
  static final int MAX_ROUNDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(MergeCommitter.class);

  private final MergeSink sink;
  private final Expression conflictFilter;
  private final IsolationLevel isolation;

  MergeCommitter(MergeSink sink, Expression conflictFilter, IsolationLevel isolation) {
    this.sink = requireNonNull(sink, "sink is null");
    this.conflictFilter = requireNonNull(conflictFilter, "conflictFilter is null");
    this.isolation = requireNonNull(isolation, "isolation is null");
  }

  @Override
  public long commit(
      Transaction transaction,
      WriteResult result,
      Map<String, String> summary,
      SnapshotAncestryValidator validator) {
    requireNonNull(transaction, "transaction is null");
    requireNonNull(summary, "summary is null");
    String table = transaction.table().name();
    TransactionReplay replay = TransactionReplay.of(transaction);
    WriteResult attempted = null;
    try {
      WriteResult current = sink.currentResult(requireNonNull(result, "result is null"));
      Transaction attempt = transaction;
      RuntimeException conflict;
      int round = 1;
      while (true) {
        attempted = current;
        try {
          long snapshotId = attempt(attempt, current, summary, validator);
          sink.committed(current, true);
          return snapshotId;
        } catch (ValidationException | CommitFailedException e) {
          conflict = e;
        } catch (IllegalArgumentException e) {
          // RowDelta refuses a starting snapshot that is not an ancestor of the current one
          Long now = replay.currentIfHistoryRewritten(sink.validatedFrom());
          if (now == null) {
            throw e;
          }
          throw MergeDelta.historyRewritten(
              table, sink.validatedFrom(), now.equals(TransactionReplay.NO_SNAPSHOT) ? null : now);
        }
        if (replay.reason() != null) {
          LOG.info("MERGE into {} conflicts and cannot be re-planned: {}", table, replay.reason());
          throw conflict;
        }
        if (!historyStillValid(replay, validator)) {
          // The caller's check of the history (e.g. an unmoved cursor) failed: re-planning the
          // rows cannot help.
          throw conflict;
        }
        if (round == MAX_ROUNDS) {
          throw new TidewaterException(
              ErrorKind.EXTERNAL,
              String.format(
                  "the merge into %s conflicted with concurrent commits %d times in a row and was"
                      + " re-planned against each; nothing was committed, run the load again: %s",
                  table, MAX_ROUNDS, conflict.getMessage()),
              conflict);
        }
        LOG.info(
            "MERGE into {}: commit attempt {} conflicts with concurrent commits ({}); re-planning",
            table,
            round,
            conflict.getMessage());
        TransactionReplay.pause(round, table);
        round++;
        current = sink.replan(replay.refresh());
        attempt = replay.newTransaction(table);
      }
    } catch (RuntimeException e) {
      if (TableCommitters.commitStateUnknown(e)) {
        sink.committed(attempted, false);
      } else {
        sink.abort();
      }
      throw TableCommitters.failure(table, TableCommitters.ValidationFailure.CONFLICT, e);
    }
  }

  private long attempt(
      Transaction transaction,
      WriteResult result,
      Map<String, String> summary,
      SnapshotAncestryValidator validator) {
    Long from = sink.validatedFrom();
    Map<String, String> values = new LinkedHashMap<>(summary);
    values.putAll(sink.stats().summary());
    return TableCommitters.attempt(
        transaction,
        values,
        validator,
        update -> TableCommitters.mergeUpdate(update, result, from, conflictFilter, isolation));
  }

  /** Whether {@code validator} still accepts the table's current history. */
  private static boolean historyStillValid(
      TransactionReplay replay, SnapshotAncestryValidator validator) {
    if (validator == SnapshotAncestryValidator.NON_VALIDATING) {
      return true;
    }
    TableMetadata metadata = replay.refresh();
    Snapshot current = metadata.currentSnapshot();
    return validator.validate(
        current == null
            ? List.of()
            : SnapshotUtil.ancestorsOf(current.snapshotId(), metadata::snapshot));
  }
}
