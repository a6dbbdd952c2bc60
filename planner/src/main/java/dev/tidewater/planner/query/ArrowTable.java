package dev.tidewater.planner.query;

import dev.tidewater.spi.BatchReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A table whose rows come as Arrow batches. Calcite hands it the projected columns and the filters;
 * it passes both down to the reader and leaves the filters for Calcite to apply again, since a
 * pushed-down filter may only prune.
 */
abstract class ArrowTable extends AbstractTable implements ProjectableFilterableTable {
  /** The schema of the table's rows. */
  abstract Schema arrowSchema();

  /** Opens a reader over the given columns (in table order) with filters it may use to prune. */
  abstract BatchReader open(List<String> columns, List<RexNode> filters);

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return CalciteTypes.rowType(typeFactory, arrowSchema());
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
    List<String> names = CalciteTypes.names(arrowSchema());
    int[] projection = projects;
    if (projection == null) {
      projection = new int[names.size()];
      for (int i = 0; i < projection.length; i++) {
        projection[i] = i;
      }
    }
    // The reader returns the projected columns in table order; map the output order onto them.
    int[] sorted = java.util.Arrays.stream(projection).distinct().sorted().toArray();
    List<String> columns = new ArrayList<>();
    for (int index : sorted) {
      columns.add(names.get(index));
    }
    int[] positions = new int[projection.length];
    for (int i = 0; i < projection.length; i++) {
      positions[i] = java.util.Arrays.binarySearch(sorted, projection[i]);
    }
    List<RexNode> pushed = List.copyOf(filters);
    return new BatchReaderEnumerable(() -> open(columns, pushed), positions);
  }
}
