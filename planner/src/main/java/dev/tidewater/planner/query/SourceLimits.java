package dev.tidewater.planner.query;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;

/**
 * Finds the LIMIT a source can apply itself: a plan {@code Sort(fetch, no ORDER BY) [Project]*
 * [Filter] Scan} over one source table whose filter the source evaluates in full. Then the first
 * {@code offset + fetch} rows the source returns are the ones the query needs, and the table asks
 * its connector for that many only (a JDBC source ends its query with {@code LIMIT n}). Calcite
 * still applies the LIMIT, the filter and the projection on top.
 */
final class SourceLimits {
  private SourceLimits() {}

  /** Tells the source table of {@code rel} its row limit, when the plan has that shape. */
  static void apply(RelNode rel) {
    if (!(rel instanceof Sort sort)
        || !sort.getCollation().getFieldCollations().isEmpty()
        || !(sort.fetch instanceof RexLiteral fetch)
        || sort.offset != null && !(sort.offset instanceof RexLiteral)) {
      return;
    }
    long rows = value(fetch) + (sort.offset == null ? 0 : value((RexLiteral) sort.offset));
    RelNode node = sort.getInput();
    while (node instanceof Project project) {
      if (RexOver.containsOver(project.getProjects(), null)) {
        return; // a window function sees every row
      }
      node = project.getInput();
    }
    RexNode condition = null;
    if (node instanceof Filter filter) {
      condition = filter.getCondition();
      node = filter.getInput();
    }
    if (!(node instanceof TableScan scan)) {
      return;
    }
    SourceQueryTable table = scan.getTable().unwrap(SourceQueryTable.class);
    if (table == null || rows < 0) {
      return;
    }
    if (condition == null || SourcePredicates.translatesWhole(condition, table.arrowSchema())) {
      table.limitRows(rows);
    }
  }

  private static long value(RexLiteral literal) {
    Long value = literal.getValueAs(Long.class);
    return value == null ? -1 : value;
  }
}
