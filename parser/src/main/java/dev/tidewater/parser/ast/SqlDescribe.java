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

/** {@code DESCRIBE SOURCE name | DESCRIBE CONTRACT name | DESCRIBE [TABLE] name}. */
public final class SqlDescribe extends SqlCall implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("DESCRIBE", SqlKind.OTHER);

  /** What kind of object {@link #name} names. */
  public enum DescribeKind {
    SOURCE,
    CONTRACT,
    TABLE
  }

  public final DescribeKind kind;
  public final SqlIdentifier name;

  public SqlDescribe(SqlParserPos pos, DescribeKind kind, SqlIdentifier name) {
    super(pos);
    this.kind = requireNonNull(kind, "kind is null");
    this.name = requireNonNull(name, "name is null");
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Unparsing.symbol(kind), name);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("DESCRIBE");
    writer.keyword(kind.name());
    name.unparse(writer, 0, 0);
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
