package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlRollbackLoad;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.List;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/** {@code ROLLBACK LOAD 'id'}. */
final class RollbackStatement {
  private final StatementContext context;
  private final Engine engine;

  RollbackStatement(StatementContext context) {
    this.context = context;
    this.engine = context.engine();
  }

  /**
   * Rolls the table back to the snapshot before a load, and with it the load's cursor. Only the
   * latest commit of a table can be rolled back: anything committed after it would be lost too. The
   * rollback is a compare-and-set on the table's metadata: if another commit lands between the
   * check and the rollback, the rollback fails and changes nothing.
   */
  ExecutionResult execute(SqlRollbackLoad rollback, Cancellation cancellation) {
    String loadId = rollback.loadId.getValueAs(String.class);
    LoadRecord load =
        engine
            .load(loadId)
            .orElseThrow(() -> Positions.userError(rollback.loadId, "unknown load '%s'", loadId));
    if (load.status() != LoadRecord.LoadStatus.SUCCEEDED) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' is %s; only a succeeded load can be rolled back",
          loadId,
          load.status());
    }
    TableName target = context.tableName(List.of(load.target().split("\\.")));
    Table table;
    try {
      table = engine.catalogs().catalog(target.catalog()).loadTable(target.identifier());
    } catch (NoSuchTableException e) {
      throw Positions.userError(rollback.loadId, "table %s of load '%s' is gone", target, loadId);
    }
    if (!(table instanceof HasTableOperations withOperations)) {
      throw Positions.userError(
          rollback.loadId, "table %s cannot be rolled back (no table operations)", target);
    }
    TableOperations operations = withOperations.operations();
    TableMetadata base = operations.refresh();
    Snapshot current = base.currentSnapshot();
    String latest = current == null ? null : current.summary().get("tidewater.load-id");
    if (!loadId.equals(latest)) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' is not the latest commit to %s (the latest is %s); only the latest can be"
              + " rolled back",
          loadId,
          target,
          latest == null ? "not a Tidewater load" : "load '" + latest + "'");
    }
    if (current.parentId() == null) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' created %s; drop the table to undo it (DROP TABLE %s)",
          loadId,
          target,
          target);
    }
    TableMetadata rolledBack =
        TableMetadata.buildFrom(base)
            .setBranchSnapshot(current.parentId(), SnapshotRef.MAIN_BRANCH)
            .build();
    // The catalog round trips are done: from here on the rollback runs to its end.
    cancellation.enterCommit();
    try {
      operations.commit(base, rolledBack);
    } catch (CommitFailedException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          Positions.of(rollback.loadId.getParserPosition()),
          String.format(
              "another commit to %s landed while load '%s' was being rolled back; nothing was"
                  + " rolled back (it is no longer the latest commit)",
              target, loadId),
          e);
    }
    engine
        .metadata()
        .putLoad(
            load.withOutcome(
                LoadRecord.LoadStatus.ROLLED_BACK,
                load.snapshotId(),
                load.cursorBefore(),
                load.error()));
    return ExecutionResult.update(1);
  }
}
