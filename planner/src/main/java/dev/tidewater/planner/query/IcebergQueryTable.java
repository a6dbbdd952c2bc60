package dev.tidewater.planner.query;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.IcebergScans;
import dev.tidewater.spi.BatchReader;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rex.RexNode;
import org.apache.iceberg.Table;

/** An Iceberg table as Calcite sees it: projection and filters go into the Iceberg scan. */
final class IcebergQueryTable extends ArrowTable {
  private final Table table;
  private final Schema schema;
  private final BufferAllocator allocator;
  private final int batchRows;

  IcebergQueryTable(Table table, BufferAllocator allocator, int batchRows) {
    this.table = table;
    this.schema = ArrowSchemas.toArrow(table.schema());
    this.allocator = allocator;
    this.batchRows = batchRows;
  }

  @Override
  Schema arrowSchema() {
    return schema;
  }

  @Override
  BatchReader open(List<String> columns, List<RexNode> filters) {
    return IcebergScans.open(
        table,
        null,
        columns,
        FilterTranslator.translate(filters, table.schema()),
        allocator,
        batchRows);
  }
}
