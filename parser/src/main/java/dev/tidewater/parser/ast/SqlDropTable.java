package dev.tidewater.parser.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** {@code DROP TABLE [IF EXISTS] name [PURGE]}. */
public final class SqlDropTable extends SqlDrop implements TidewaterStatement {
  private static final SqlSpecialOperator OPERATOR =
      new SqlSpecialOperator("DROP TABLE", SqlKind.OTHER_DDL);

  /** {@code [catalog.][namespace.]table}. */
  public final SqlIdentifier name;

  /** Whether PURGE was given: delete the data files too, not only the catalog entry. */
  public final boolean purge;

  public SqlDropTable(SqlParserPos pos, boolean ifExists, SqlIdentifier name, boolean purge) {
    super(OPERATOR, pos, ifExists);
    this.name = requireNonNull(name, "name is null");
    this.purge = purge;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return ImmutableNullableList.of(Unparsing.flag(ifExists), name, Unparsing.flag(purge));
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("DROP TABLE");
    if (ifExists) {
      writer.keyword("IF EXISTS");
    }
    name.unparse(writer, 0, 0);
    if (purge) {
      writer.keyword("PURGE");
    }
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visit(this);
  }
}
