package dev.tidewater.planner.load;

import dev.tidewater.iceberg.Branches;
import dev.tidewater.iceberg.Partitioning;
import dev.tidewater.iceberg.TableCommitter;
import dev.tidewater.iceberg.TableCommitters;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit stage: opens the target (a transaction that creates the table with the load's first
 * data, or one on the existing table that first evolves its schema) and publishes the written files
 * in one Iceberg snapshot with the load's summary and new cursor, taking the ways out of a lost
 * race (another load moved the cursor, or created the table meanwhile).
 */
final class CommitStage {
  private static final Logger LOG = LoggerFactory.getLogger(CommitStage.class);

  private CommitStage() {}

  /** The table a load writes to, in the transaction its commit publishes. */
  record Target(Transaction transaction, Table existing, boolean creates) {}

  /**
   * Opens the target: a transaction that creates the table with the load's first data, or one on
   * the existing table that first evolves its schema. A table planned as new that another load
   * created meanwhile is taken as it is when its schema is the one this load would have created.
   */
  static Target openTarget(LoadPlan plan, Catalog catalog) {
    if (plan.commit().createsTable()) {
      // A staged create needs its namespace (REST catalogs check it when staging).
      Tables.createNamespace(catalog, plan.target().namespace());
      try {
        return new Target(
            catalog
                .buildTable(plan.target().identifier(), plan.commit().tableSchema())
                .withPartitionSpec(
                    Partitioning.spec(plan.commit().tableSchema(), plan.write().partitioning()))
                .withProperties(Tables.DEFAULT_PROPERTIES)
                .withProperty(
                    TableProperties.FORMAT_VERSION,
                    plan.write().options().getOrDefault(LoadPlanner.FORMAT_VERSION_OPTION, "2"))
                .createTransaction(),
            null,
            true);
      } catch (AlreadyExistsException e) {
        Table existing = catalog.loadTable(plan.target().identifier());
        if (!fits(plan, existing)) {
          throw new TidewaterException(
              ErrorKind.EXTERNAL,
              String.format(
                  "another load created table %s with another schema since this load was"
                      + " planned; nothing was written, run the load again",
                  plan.target()),
              e);
        }
        LOG.info("table {} was created by another load meanwhile; loading into it", plan.target());
        return new Target(existing.newTransaction(), existing, false);
      }
    }
    Table existing = catalog.loadTable(plan.target().identifier());
    if (plan.branch() != null) {
      // A branch starts at main's current snapshot; the commit goes to the branch (its summary
      // names it, see summary()).
      Branches.ensure(existing, plan.branch());
    }
    Transaction transaction = existing.newTransaction();
    if (!plan.commit().evolution().isEmpty()) {
      // Planned against the schema of planning time; another load may have evolved it since.
      SchemaEvolution evolution =
          SchemaEvolution.plan(plan.normalize().sourceSchema(), existing.schema());
      if (!evolution.isEmpty()) {
        try {
          UpdateSchema update = transaction.updateSchema();
          evolution.applyTo(update);
          update.commit();
        } catch (IllegalArgumentException e) {
          throw new TidewaterException(
              ErrorKind.EXTERNAL,
              String.format(
                  "the schema of %s changed while this load was planned (%s); nothing was"
                      + " written, run the load again",
                  plan.target(), e.getMessage()),
              e);
        }
      }
    }
    return new Target(transaction, existing, false);
  }

  /** Whether files written for the table the plan would create fit {@code existing}. */
  private static boolean fits(LoadPlan plan, Table existing) {
    PartitionSpec ours =
        Partitioning.spec(plan.commit().tableSchema(), plan.write().partitioning());
    return existing.schema().sameSchema(plan.commit().tableSchema())
        && existing.spec().compatibleWith(ours)
        && existing.spec().specId() == ours.specId();
  }

  /** The target's commit, with its ways out of a lost race; notes an unknown outcome. */
  static long commitData(
      LoadPlan plan,
      Catalog catalog,
      Target target,
      TableCommitter committer,
      WriteResult written,
      Map<String, String> summary,
      CursorCheck cursorCheck,
      LoadCounters counters) {
    try {
      return cursorCheck == null
          ? committer.commit(target.transaction(), written, summary)
          : committer.commit(target.transaction(), written, summary, cursorCheck);
    } catch (RuntimeException e) {
      if (TableCommitters.commitStateUnknown(e)) {
        counters.dataCommitUnknown = true;
        throw e;
      }
      if (cursorCheck != null && cursorCheck.failed()) {
        throw cursorMoved(plan, counters, cursorCheck, e);
      }
      if (target.creates() && causedBy(e, AlreadyExistsException.class)) {
        try {
          return commitToTableCreatedMeanwhile(plan, catalog, written, summary, committer, e);
        } catch (RuntimeException late) {
          if (TableCommitters.commitStateUnknown(late)) {
            counters.dataCommitUnknown = true;
          }
          throw late;
        }
      }
      throw e;
    }
  }

  /**
   * Two first loads into one table race to create it; the second finds it created. Its files fit
   * the other table when both have the same schema (column ids included) and partitioning, which is
   * what two loads of the same source give: then an APPEND or a REPLACE commits to that table after
   * all. A MERGE cannot: it looked for its keys in an empty table.
   */
  private static long commitToTableCreatedMeanwhile(
      LoadPlan plan,
      Catalog catalog,
      WriteResult written,
      Map<String, String> summary,
      TableCommitter committer,
      RuntimeException conflict) {
    Table existing = catalog.loadTable(plan.target().identifier());
    if (plan.disposition() == LoadPlan.Disposition.MERGE || !fits(plan, existing)) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "another load created table %s while this one was writing; nothing was committed,"
                  + " run the load again",
              plan.target()),
          conflict);
    }
    LOG.info("table {} was created by another load meanwhile; committing to it", plan.target());
    CursorCheck cursorCheck =
        plan.cursor() != null && plan.cursor().movement() == CursorWindow.Movement.MOVES
            ? new CursorCheck(plan.sourceName(), plan.cursor())
            : null;
    try {
      return cursorCheck == null
          ? committer.commit(existing.newTransaction(), written, summary)
          : committer.commit(existing.newTransaction(), written, summary, cursorCheck);
    } catch (RuntimeException e) {
      if (cursorCheck != null && cursorCheck.failed()) {
        throw new TidewaterException(
            ErrorKind.EXTERNAL,
            String.format(
                "another load of source '%s' created %s and moved the cursor to %s meanwhile;"
                    + " nothing was committed, run the load again",
                plan.sourceName(), plan.target(), cursorCheck.found()),
            e);
      }
      throw e;
    }
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  static TidewaterException cursorMoved(
      LoadPlan plan, LoadCounters counters, CursorCheck check, Throwable cause) {
    return new TidewaterException(
        ErrorKind.EXTERNAL,
        String.format(
            "another load of source '%s' into %s moved the cursor from %s to %s meanwhile;"
                + " nothing was committed, run the load again",
            plan.sourceName(), plan.target(), counters.cursorBefore, check.found()),
        cause);
  }

  static Iterable<org.apache.iceberg.Snapshot> ancestors(Table table) {
    return table.currentSnapshot() == null
        ? List.of()
        : org.apache.iceberg.util.SnapshotUtil.ancestorsOf(
            table.currentSnapshot().snapshotId(), table::snapshot);
  }

  static Map<String, String> summary(LoadPlan plan, LoadCounters counters) {
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("tidewater.load-id", plan.loadId());
    if (plan.branch() != null) {
      summary.put(Branches.SUMMARY_KEY, plan.branch());
    }
    summary.put("tidewater.source", plan.sourceName());
    summary.put("tidewater.disposition", plan.disposition().name().toLowerCase(Locale.ROOT));
    summary.put("tidewater.rows-read", Long.toString(counters.rowsRead.get()));
    summary.put("tidewater.rows-written", Long.toString(counters.rowsWritten.get()));
    summary.put("tidewater.rows-rejected", Long.toString(counters.rowsRejected.get()));
    if (plan.validation() != null) {
      summary.put("tidewater.contract", plan.validation().validator().contract().name());
      summary.put(
          "tidewater.contract-version",
          Integer.toString(plan.validation().validator().contract().version()));
    }
    if (plan.cursor() != null) {
      CursorWindow window = plan.cursor();
      summary.put("tidewater.cursor-column", window.column());
      if (window.movement() == CursorWindow.Movement.MOVES) {
        Comparable<?> max = counters.cursorFilter.max();
        Comparable<?> after =
            max == null
                ? window.previous()
                : window.previous() == null || CursorType.compare(max, window.previous()) > 0
                    ? max
                    : window.previous();
        if (after != null) {
          counters.cursorAfter = window.type().format(after);
          summary.put(Cursors.summaryKey(plan.sourceName()), counters.cursorAfter);
        }
      } else {
        summary.put("tidewater.backfill-from", window.type().format(window.lower()));
        summary.put("tidewater.backfill-to", window.type().format(window.upper()));
      }
    }
    return summary;
  }
}
