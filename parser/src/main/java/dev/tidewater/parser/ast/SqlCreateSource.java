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

/** {@code CREATE [OR REPLACE] SOURCE [IF NOT EXISTS] name TYPE type WITH (options)}. */
public final class SqlCreateSource extends SqlCreate implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("CREATE SOURCE", SqlKind.OTHER_DDL);

  public final boolean replace;
  public final SqlIdentifier name;

  /** The connector type: {@code files}, {@code jdbc}, {@code http}, ... */
  public final SqlIdentifier type;

  /** {@link SqlOption} elements; see {@link SqlOptions#toMap}. */
  public final SqlNodeList options;

  public SqlCreateSource(
      SqlParserPos pos,
      boolean replace,
      boolean ifNotExists,
      SqlIdentifier name,
      SqlIdentifier type,
      SqlNodeList options) {
    super(OPERATOR, pos, replace, ifNotExists);
    this.replace = replace;
    this.name = requireNonNull(name, "name is null");
    this.type = requireNonNull(type, "type is null");
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(
        Unparsing.flag(replace), Unparsing.flag(ifNotExists), name, type, options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE");
    if (replace) {
      writer.keyword("OR REPLACE");
    }
    writer.keyword("SOURCE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    writer.keyword("TYPE");
    type.unparse(writer, 0, 0);
    writer.keyword("WITH");
    Unparsing.parenthesized(writer, options);
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
