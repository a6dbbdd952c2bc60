package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code PUBLISH BRANCH 'name' OF table}: fast-forwards main to a write-audit-publish branch. */
public final class SqlPublishBranch extends SqlCall implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("PUBLISH BRANCH", SqlKind.OTHER);

  /** The branch name, a character literal. */
  public final SqlLiteral branch;

  public final SqlIdentifier table;

  /** {@code WITH (mode = 'fast-forward' | 'cherry-pick')}; empty when absent. */
  public final SqlNodeList options;

  public SqlPublishBranch(SqlParserPos pos, SqlLiteral branch, SqlIdentifier table) {
    this(pos, branch, table, SqlNodeList.EMPTY);
  }

  public SqlPublishBranch(
      SqlParserPos pos, SqlLiteral branch, SqlIdentifier table, SqlNodeList options) {
    super(pos);
    this.branch = requireNonNull(branch, "branch is null");
    this.table = requireNonNull(table, "table is null");
    this.options = requireNonNull(options, "options is null");
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(branch, table, options);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("PUBLISH BRANCH");
    Unparsing.string(writer, branch);
    writer.keyword("OF");
    table.unparse(writer, 0, 0);
    if (!options.isEmpty()) {
      writer.keyword("WITH");
      Unparsing.parenthesized(writer, options);
    }
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
