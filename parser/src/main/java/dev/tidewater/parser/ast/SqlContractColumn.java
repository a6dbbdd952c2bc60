package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** A column of a contract: {@code name type [NOT NULL] [CHECK (condition)]}. */
public final class SqlContractColumn extends SqlCall {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("CONTRACT COLUMN", SqlKind.OTHER);

  public final SqlIdentifier name;
  public final SqlDataTypeSpec type;
  public final boolean notNull;

  /** The column's CHECK condition; null when absent. */
  public final SqlNode check;

  public SqlContractColumn(
      SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type, boolean notNull, SqlNode check) {
    super(pos);
    this.name = requireNonNull(name, "name is null");
    this.type = requireNonNull(type, "type is null");
    this.notNull = notNull;
    this.check = check;
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name, type, Unparsing.flag(notNull), check);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    type.unparse(writer, 0, 0);
    if (notNull) {
      writer.keyword("NOT NULL");
    }
    if (check != null) {
      writer.keyword("CHECK");
      SqlWriter.Frame frame = writer.startList("(", ")");
      check.unparse(writer, 0, 0);
      writer.endList(frame);
    }
  }
}
