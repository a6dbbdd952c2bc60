package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * {@code SHOW SOURCES | CONTRACTS | CATALOGS | NAMESPACES [IN catalog] | TABLES [IN namespace] |
 * LOADS [FOR table]}.
 */
public final class SqlShow extends SqlCall implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR = new SqlSpecialOperator("SHOW", SqlKind.OTHER);

  /** What to list. */
  public enum ShowKind {
    SOURCES,
    CONTRACTS,
    CATALOGS,
    NAMESPACES,
    TABLES,
    LOADS,
    BRANCHES
  }

  public final ShowKind kind;

  /**
   * The {@code IN} scope of NAMESPACES and TABLES or the {@code FOR} table of LOADS; null when
   * absent.
   */
  public final SqlIdentifier scope;

  public SqlShow(SqlParserPos pos, ShowKind kind, SqlIdentifier scope) {
    super(pos);
    this.kind = requireNonNull(kind, "kind is null");
    this.scope = scope;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Unparsing.symbol(kind), scope);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("SHOW");
    writer.keyword(kind.name());
    if (scope != null) {
      writer.keyword(
          switch (kind) {
            case LOADS -> "FOR";
            case BRANCHES -> "OF";
            default -> "IN";
          });
      scope.unparse(writer, 0, 0);
    }
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
