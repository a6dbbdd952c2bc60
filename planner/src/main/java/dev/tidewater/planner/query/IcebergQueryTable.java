package dev.tidewater.planner.query;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.IcebergScans;
import dev.tidewater.spi.BatchReader;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rex.RexNode;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.Table;
import org.apache.iceberg.metrics.MetricsReporters;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * An Iceberg table as Calcite sees it, at its current snapshot or pinned to one (time travel):
 * projection and filters go into the Iceberg scan, whose planning is reported to {@link
 * ScanMetrics}.
 */
final class IcebergQueryTable extends ArrowTable {
  private final Table table;
  private final Long snapshotId;
  private final org.apache.iceberg.Schema icebergSchema;
  private final Schema schema;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final ScanMetrics metrics;

  /** The table at its current snapshot. */
  IcebergQueryTable(Table table, BufferAllocator allocator, int batchRows, ScanMetrics metrics) {
    this(table, null, allocator, batchRows, metrics);
  }

  /** The table at {@code snapshotId}, with the schema it had then; null: the current snapshot. */
  IcebergQueryTable(
      Table table, Long snapshotId, BufferAllocator allocator, int batchRows, ScanMetrics metrics) {
    this.table = reporting(table, metrics);
    this.snapshotId = snapshotId;
    this.icebergSchema =
        snapshotId == null ? table.schema() : SnapshotUtil.schemaFor(table, snapshotId);
    this.schema = ArrowSchemas.toArrow(icebergSchema);
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.metrics = metrics;
  }

  /** The same table, reporting its scans to {@code metrics} besides the catalog's reporter. */
  private static Table reporting(Table table, ScanMetrics metrics) {
    if (table instanceof BaseTable base) {
      return new BaseTable(
          base.operations(),
          base.name(),
          MetricsReporters.combine(base.reporter(), metrics.reporter()));
    }
    return table;
  }

  /** The table (reporting its scans), for the vectorized operators. */
  Table table() {
    return table;
  }

  /** The pinned snapshot, or null for the current one. */
  Long snapshotId() {
    return snapshotId;
  }

  org.apache.iceberg.Schema icebergSchema() {
    return icebergSchema;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  int batchRows() {
    return batchRows;
  }

  ScanMetrics metrics() {
    return metrics;
  }

  @Override
  Schema arrowSchema() {
    return schema;
  }

  @Override
  BatchReader open(List<String> columns, List<RexNode> filters) {
    return IcebergScans.open(
        table,
        snapshotId,
        columns,
        FilterTranslator.translate(filters, icebergSchema),
        allocator,
        batchRows);
  }
}
