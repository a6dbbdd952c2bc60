package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.BaseTransaction;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.Transactions;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
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
 * <p>A later attempt runs in a new transaction on the same table operations; the schema changes of
 * the caller's transaction (a load's schema evolution) are applied to it again. A transaction that
 * creates the table, or that carries other changes, cannot be replayed: its conflicts fail the
 * load. A {@code CommitStateUnknownException} ends everything and keeps every file.
 */
final class MergeCommitter implements TableCommitter {
  /** Commit attempts of one merge, the first included. */
  static final int MAX_ROUNDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(MergeCommitter.class);
  private static final long BASE_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 2_000;
  private static final Long NO_SNAPSHOT = -1L;

  private final MergeSink sink;
  private final Expression conflictFilter;
  private final IsolationLevel isolation;

  MergeCommitter(MergeSink sink, Expression conflictFilter, IsolationLevel isolation) {
    this.sink = requireNonNull(sink, "sink is null");
    this.conflictFilter = requireNonNull(conflictFilter, "conflictFilter is null");
    this.isolation = requireNonNull(isolation, "isolation is null");
  }

  @Override
  public long commit(Transaction transaction, WriteResult result, Map<String, String> summary) {
    requireNonNull(transaction, "transaction is null");
    requireNonNull(summary, "summary is null");
    String table = transaction.table().name();
    Replay replay = Replay.of(transaction);
    WriteResult attempted = null;
    try {
      WriteResult current = sink.currentResult(requireNonNull(result, "result is null"));
      Transaction attempt = transaction;
      RuntimeException conflict;
      int round = 1;
      while (true) {
        attempted = current;
        try {
          long snapshotId = attempt(attempt, current, summary);
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
              table, sink.validatedFrom(), now.equals(NO_SNAPSHOT) ? null : now);
        }
        if (replay.reason() != null) {
          LOG.info("MERGE into {} conflicts and cannot be re-planned: {}", table, replay.reason());
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
        pause(round, table);
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

  private long attempt(Transaction transaction, WriteResult result, Map<String, String> summary) {
    Long from = sink.validatedFrom();
    Map<String, String> values = new LinkedHashMap<>(summary);
    values.putAll(sink.stats().summary());
    return TableCommitters.attempt(
        transaction,
        values,
        update -> TableCommitters.mergeUpdate(update, result, from, conflictFilter, isolation));
  }

  /** Exponential backoff with jitter, so that racing writers do not retry in lockstep. */
  private static void pause(int round, String table) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(round - 1, 20));
    long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TidewaterException(
          ErrorKind.USER,
          String.format("the merge into %s was cancelled; nothing was committed", table),
          e);
    }
  }

  /** What a later attempt needs from the caller's transaction: its table and schema changes. */
  private static final class Replay {
    private final BaseTransaction transaction;
    private final Schema evolvedSchema;
    private final String reason;

    private Replay(BaseTransaction transaction, Schema evolvedSchema, String reason) {
      this.transaction = transaction;
      this.evolvedSchema = evolvedSchema;
      this.reason = reason;
    }

    /** Reads the transaction before the merge adds its update. */
    static Replay of(Transaction transaction) {
      if (!(transaction instanceof BaseTransaction base)) {
        return new Replay(null, null, "the transaction is not Iceberg's own");
      }
      TableMetadata start = base.startMetadata();
      if (start == null) {
        return new Replay(null, null, "the transaction creates the table");
      }
      TableMetadata pending = base.currentMetadata();
      List<MetadataUpdate> changes =
          pending.changes().subList(start.changes().size(), pending.changes().size());
      for (MetadataUpdate change : changes) {
        if (!(change instanceof MetadataUpdate.AddSchema)
            && !(change instanceof MetadataUpdate.SetCurrentSchema)) {
          return new Replay(
              null,
              null,
              "the transaction also makes a change other than to the schema ("
                  + change.getClass().getSimpleName()
                  + ")");
        }
      }
      return new Replay(base, changes.isEmpty() ? null : pending.schema(), null);
    }

    /** Why a later attempt is impossible; null when it is possible. */
    String reason() {
      return reason;
    }

    TableMetadata refresh() {
      return transaction.underlyingOps().refresh();
    }

    /**
     * The table's current snapshot id ({@link #NO_SNAPSHOT} if none) when {@code from} is no longer
     * its ancestor; null when it still is, or cannot be known.
     */
    Long currentIfHistoryRewritten(Long from) {
      if (transaction == null || from == null) {
        return null;
      }
      TableMetadata current = refresh();
      if (current.currentSnapshot() == null) {
        return NO_SNAPSHOT;
      }
      long id = current.currentSnapshot().snapshotId();
      return SnapshotUtil.isAncestorOf(id, from, current::snapshot) ? null : id;
    }

    /**
     * A new transaction on the table's latest metadata, with the caller's schema changes applied
     * again; the columns the merge wrote must keep their field ids.
     */
    Transaction newTransaction(String table) {
      Transaction next =
          Transactions.newTransaction(transaction.tableName(), transaction.underlyingOps());
      if (evolvedSchema != null) {
        next.updateSchema().unionByNameWith(evolvedSchema).commit();
        Schema merged = next.table().schema();
        for (Types.NestedField field : TypeUtil.indexById(evolvedSchema.asStruct()).values()) {
          Types.NestedField now = merged.findField(field.fieldId());
          if (now == null || !now.name().equals(field.name())) {
            throw new TidewaterException(
                ErrorKind.EXTERNAL,
                String.format(
                    "the merge into %s cannot be re-planned: a concurrent schema change gave"
                        + " column '%s' another field id; nothing was committed, run the load"
                        + " again",
                    table, field.name()),
                null);
          }
        }
      }
      return next;
    }
  }
}
