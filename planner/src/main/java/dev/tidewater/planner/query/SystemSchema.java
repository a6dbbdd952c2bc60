package dev.tidewater.planner.query;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.load.RunningLoads;
import dev.tidewater.planner.metadata.LoadRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/** The {@code system} schema: Tidewater's own tables, e.g. {@code system.loads}. */
final class SystemSchema extends AbstractSchema {
  private final Engine engine;

  SystemSchema(Engine engine) {
    this.engine = engine;
  }

  @Override
  protected Map<String, Table> getTableMap() {
    return Map.of(
        "loads",
        new LoadsTable(),
        "load_errors",
        new LoadErrorsTable(),
        "running_loads",
        new RunningLoadsTable());
  }

  /**
   * The loads and bulk ingests this process runs now, with their progress so far; a load leaves the
   * table when it ends (its outcome is then in {@code system.loads}).
   */
  private final class RunningLoadsTable extends AbstractTable implements ScannableTable {
    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
      RelDataTypeFactory.Builder builder = factory.builder();
      for (String name :
          List.of("load_id", "statement", "user_name", "source", "target", "phase")) {
        builder.add(name, SqlTypeName.VARCHAR).nullable(true);
      }
      for (String name :
          List.of(
              "rows_read",
              "rows_written",
              "rows_rejected",
              "bytes_read",
              "bytes_total",
              "splits",
              "splits_done")) {
        builder.add(name, SqlTypeName.BIGINT).nullable(true);
      }
      builder.add("rows_per_second", SqlTypeName.DOUBLE).nullable(true);
      builder.add("started_at", SqlTypeName.TIMESTAMP, 3).nullable(true);
      builder.add("seconds", SqlTypeName.DOUBLE).nullable(true);
      return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      Instant now = Instant.now();
      List<Object[]> rows = new ArrayList<>();
      for (RunningLoads.Progress load : engine.runningLoads().snapshot()) {
        rows.add(
            new Object[] {
              load.loadId(),
              load.statement(),
              load.user(),
              load.source(),
              load.target(),
              load.phase().name(),
              load.rowsRead(),
              load.rowsWritten(),
              load.rowsRejected(),
              load.bytesRead(),
              load.bytesTotal() < 0 ? null : load.bytesTotal(),
              (long) load.splits(),
              load.splitsDone(),
              load.rowsPerSecond(now),
              load.startedAt().toEpochMilli(),
              load.seconds(now)
            });
      }
      return Linq4j.asEnumerable(rows);
    }
  }

  /** How many rows of each load broke each contract rule. */
  private final class LoadErrorsTable extends AbstractTable implements ScannableTable {
    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
      return factory
          .builder()
          .add("load_id", SqlTypeName.VARCHAR)
          .nullable(true)
          .add("rule", SqlTypeName.VARCHAR)
          .nullable(true)
          .add("rows", SqlTypeName.BIGINT)
          .nullable(true)
          .build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(engine.metadata().loadErrors());
    }
  }

  /** Every load with its counts, cursor range, snapshot and outcome; newest first. */
  private final class LoadsTable extends AbstractTable implements ScannableTable {
    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
      RelDataTypeFactory.Builder builder = factory.builder();
      for (String name : List.of("load_id", "source", "target", "disposition", "status")) {
        builder.add(name, SqlTypeName.VARCHAR).nullable(true);
      }
      for (String name : List.of("rows_read", "rows_written", "rows_rejected", "snapshot_id")) {
        builder.add(name, SqlTypeName.BIGINT).nullable(true);
      }
      builder.add("cursor_before", SqlTypeName.VARCHAR).nullable(true);
      builder.add("cursor_after", SqlTypeName.VARCHAR).nullable(true);
      builder.add("started_at", SqlTypeName.TIMESTAMP, 3).nullable(true);
      builder.add("seconds", SqlTypeName.DOUBLE).nullable(true);
      builder.add("error", SqlTypeName.VARCHAR).nullable(true);
      builder.add("contract", SqlTypeName.VARCHAR).nullable(true);
      builder.add("branch", SqlTypeName.VARCHAR).nullable(true);
      return builder.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      List<Object[]> rows = new ArrayList<>();
      for (LoadRecord load : engine.loads()) {
        rows.add(
            new Object[] {
              load.loadId(),
              load.source(),
              load.target(),
              load.disposition(),
              load.status().name(),
              load.rowsRead(),
              load.rowsWritten(),
              load.rowsRejected(),
              load.snapshotId(),
              load.cursorBefore(),
              load.cursorAfter(),
              load.startedAt().toEpochMilli(),
              load.durationMillis() / 1000.0,
              load.error(),
              load.contract(),
              load.branch()
            });
      }
      return Linq4j.asEnumerable(rows);
    }
  }
}
