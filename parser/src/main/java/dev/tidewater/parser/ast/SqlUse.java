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
 * {@code USE [catalog.]namespace}, {@code SET CATALOG name} or {@code SET SCHEMA
 * [catalog.]namespace}: sets the session's current catalog and namespace for unqualified names.
 */
public final class SqlUse extends SqlCall implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR = new SqlSpecialOperator("USE", SqlKind.OTHER);

  /** Which spelling of the statement, and so what {@link #name} names. */
  public enum Target {
    /** {@code USE [catalog.]namespace}. */
    NAMESPACE("USE"),
    /** {@code SET CATALOG name}: the catalog only. */
    CATALOG("SET CATALOG"),
    /** {@code SET SCHEMA [catalog.]namespace}: the same as USE. */
    SCHEMA("SET SCHEMA");

    private final String keywords;

    Target(String keywords) {
      this.keywords = keywords;
    }
  }

  public final Target target;
  public final SqlIdentifier name;

  public SqlUse(SqlParserPos pos, Target target, SqlIdentifier name) {
    super(pos);
    this.target = requireNonNull(target, "target is null");
    this.name = requireNonNull(name, "name is null");
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(name);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword(target.keywords);
    name.unparse(writer, leftPrec, rightPrec);
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
