package dev.tidewater.planner.statement;

import dev.tidewater.planner.Positions;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Checks the row counts of a query's {@code LIMIT}, {@code OFFSET} and {@code FETCH} before Calcite
 * plans it: the parser takes any unsigned number there ({@code LIMIT 1e308}, {@code LIMIT 2.5}),
 * and Calcite's planner then fails on it with a cast error instead of an answer.
 */
final class RowCounts extends SqlBasicVisitor<Void> {
  private RowCounts() {}

  /** Throws a user error at the first row count that is not a whole number. */
  static void check(SqlNode query) {
    query.accept(new RowCounts());
  }

  @Override
  public Void visit(SqlCall call) {
    if (call instanceof SqlOrderBy orderBy) {
      wholeNumber(orderBy.fetch, "LIMIT");
      wholeNumber(orderBy.offset, "OFFSET");
    } else if (call instanceof SqlSelect select) {
      wholeNumber(select.getFetch(), "LIMIT");
      wholeNumber(select.getOffset(), "OFFSET");
    }
    return super.visit(call);
  }

  private static void wholeNumber(SqlNode count, String clause) {
    if (count instanceof SqlNumericLiteral number && !number.isInteger()) {
      throw Positions.userError(
          count, "%s takes a whole number of rows, not %s", clause, number.toValue());
    }
  }
}
