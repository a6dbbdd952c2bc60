package dev.tidewater.iceberg;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.BaseTransaction;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.Transactions;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * What a later commit attempt needs from the caller's transaction: the table operations to start a
 * new transaction on, and the transaction's schema changes (a load's schema evolution) to apply
 * again. Iceberg itself cannot retry a transaction that changes the schema once another commit
 * landed ("Table metadata refresh is required"). A transaction that creates the table, or that
 * holds other changes, cannot be replayed.
 */
final class TransactionReplay {
  /** Stands for "the table has no current snapshot". */
  static final Long NO_SNAPSHOT = -1L;

  private static final long BASE_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final BaseTransaction transaction;
  private final Schema evolvedSchema;
  private final String reason;

  private TransactionReplay(BaseTransaction transaction, Schema evolvedSchema, String reason) {
    this.transaction = transaction;
    this.evolvedSchema = evolvedSchema;
    this.reason = reason;
  }

  /** Reads {@code transaction} before the commit adds its own update to it. */
  static TransactionReplay of(Transaction transaction) {
    if (!(transaction instanceof BaseTransaction base)) {
      return new TransactionReplay(null, null, "the transaction is not Iceberg's own");
    }
    TableMetadata start = base.startMetadata();
    if (start == null) {
      return new TransactionReplay(null, null, "the transaction creates the table");
    }
    TableMetadata pending = base.currentMetadata();
    List<MetadataUpdate> changes =
        pending.changes().subList(start.changes().size(), pending.changes().size());
    for (MetadataUpdate change : changes) {
      if (!(change instanceof MetadataUpdate.AddSchema)
          && !(change instanceof MetadataUpdate.SetCurrentSchema)) {
        return new TransactionReplay(
            null,
            null,
            "the transaction also makes a change other than to the schema ("
                + change.getClass().getSimpleName()
                + ")");
      }
    }
    return new TransactionReplay(base, changes.isEmpty() ? null : pending.schema(), null);
  }

  /** Why a later attempt is impossible; null when it is possible. */
  String reason() {
    return reason;
  }

  /** Whether the transaction changes the table's schema (then Iceberg cannot retry it). */
  boolean changesSchema() {
    return evolvedSchema != null;
  }

  /** The table's latest metadata. */
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
   * A new transaction on the table's latest metadata with the caller's schema changes applied
   * again; every column of the evolved schema must keep its field id, since written files use it.
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
                  "the commit to %s cannot be retried: a concurrent schema change gave column"
                      + " '%s' another field id; nothing was committed, run the load again",
                  table, field.name()),
              null);
        }
      }
    }
    return next;
  }

  /**
   * Waits before attempt {@code round + 1}: exponential backoff with jitter, so that racing writers
   * do not retry in lockstep (25–50 ms, doubling, up to 1–2 s).
   */
  static void pause(int round, String table) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(round - 1, 20));
    long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TidewaterException(
          ErrorKind.USER,
          String.format("the commit to %s was cancelled; nothing was committed", table),
          e);
    }
  }
}
