package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * {@code CREATE [OR REPLACE] CONTRACT [IF NOT EXISTS] name (column, ..., [UNIQUE (column, ...)],
 * [CHECK (condition)]) [WITH (options)]}.
 */
public final class SqlCreateContract extends SqlCreate implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("CREATE CONTRACT", SqlKind.OTHER_DDL);

  public final boolean replace;
  public final SqlIdentifier name;

  /** {@link SqlContractColumn} elements, in the order written. */
  public final SqlNodeList columns;

  /** One {@link SqlNodeList} of column {@link SqlIdentifier}s per UNIQUE key. */
  public final SqlNodeList uniqueKeys;

  /** Table-level CHECK conditions (boolean expressions over several columns). */
  public final SqlNodeList checks;

  /** {@link SqlOption} elements (schema-evolution modes); empty when absent. */
  public final SqlNodeList options;

  public SqlCreateContract(
      SqlParserPos pos,
      boolean replace,
      boolean ifNotExists,
      SqlIdentifier name,
      SqlNodeList columns,
      SqlNodeList uniqueKeys,
      SqlNodeList checks,
      SqlNodeList options) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.replace = replace;
    this.name = requireNonNull(name, "name is null");
    this.columns = requireNonNull(columns, "columns is null");
    this.uniqueKeys = requireNonNull(uniqueKeys, "uniqueKeys is null");
    this.checks = requireNonNull(checks, "checks is null");
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        Unparsing.flag(replace),
        Unparsing.flag(ifNotExists),
        name,
        columns,
        uniqueKeys,
        checks,
        options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (replace) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword("CONTRACT");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode column : columns) {
      writer.sep(",");
      column.unparse(writer, 0, 0);
    }
    for (SqlNode key : uniqueKeys) {
      writer.sep(",");
      writer.keyword("UNIQUE");
      Unparsing.parenthesized(writer, (SqlNodeList) key);
    }
    for (SqlNode check : checks) {
      writer.sep(",");
      writer.keyword("CHECK");
      SqlWriter.Frame checkFrame = writer.startList("(", ")");
      check.unparse(writer, 0, 0);
      writer.endList(checkFrame);
    }
    writer.endList(frame);
    Unparsing.options(writer, options);
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
