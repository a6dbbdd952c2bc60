package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * A table reference read as of a point in its history: {@code table FOR TIMESTAMP AS OF expr} or
 * {@code table FOR VERSION AS OF expr}. Appears in FROM clauses; the planner resolves it before
 * Calcite validates the query. ({@code FOR SYSTEM_TIME AS OF} stays Calcite's {@code SqlSnapshot}.)
 */
public final class SqlTimeTravel extends SqlCall {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("TIME TRAVEL", SqlKind.OTHER) {
        @Override
        public SqlCall createCall(
            SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
          // Keeps the node type when a SqlShuttle copies the tree.
          return new SqlTimeTravel(
              pos, operands[0], (Kind) ((SqlLiteral) operands[1]).getValue(), operands[2]);
        }
      };

  /** What {@link #point} denotes. */
  public enum Kind {
    /** A timestamp: the snapshot current at that time. */
    TIMESTAMP,
    /** A snapshot id (number), or a branch or tag name (string). */
    VERSION
  }

  /** The table reference (an identifier, possibly with hints). */
  public final SqlNode table;

  public final Kind kind;

  /** The expression after AS OF. */
  public final SqlNode point;

  public SqlTimeTravel(SqlParserPos pos, SqlNode table, Kind kind, SqlNode point) {
    super(pos);
    this.table = requireNonNull(table, "table is null");
    this.kind = requireNonNull(kind, "kind is null");
    this.point = requireNonNull(point, "point is null");
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(table, Unparsing.symbol(kind), point);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    table.unparse(writer, 0, 0);
    writer.keyword("FOR");
    writer.keyword(kind.name());
    writer.keyword("AS OF");
    point.unparse(writer, 0, 0);
  }
}
