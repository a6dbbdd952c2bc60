package dev.tidewater.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlShow;
import java.util.List;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.junit.jupiter.api.Test;

/** Scripts of several statements, and the positions that errors report. */
class ScriptTest {

  private static final String SCRIPT =
      """
      -- nightly load of the shop database
      CREATE SOURCE shop_db TYPE JDBC WITH (url = 'jdbc:postgresql://db/shop');

      /* the load itself;
         merge by id */
      LOAD shop_db.public.orders
        INTO iceberg.sales.orders
        WITH DISPOSITION MERGE ON (id);
      SELECT status, count(*) FROM iceberg.sales.orders GROUP BY status; -- check
      SHOW LOADS;
      """;

  @Test
  void scriptWithCommentsAndTrailingSemicolon() throws SqlParseException {
    List<SqlNode> statements = TidewaterSqlParser.parseStatements(SCRIPT);

    assertThat(statements)
        .map(Object::getClass)
        .containsExactly(SqlCreateSource.class, SqlLoad.class, SqlSelect.class, SqlShow.class);
  }

  @Test
  void positionsAreRelativeToTheWholeScript() throws SqlParseException {
    List<SqlNode> statements = TidewaterSqlParser.parseStatements(SCRIPT);

    SqlParserPos load = statements.get(1).getParserPosition();
    assertThat(load.getLineNum()).isEqualTo(6);
    assertThat(load.getColumnNum()).isEqualTo(1);
    assertThat(load.getEndLineNum()).isEqualTo(8);
    SqlParserPos select = statements.get(2).getParserPosition();
    assertThat(select.getLineNum()).isEqualTo(9);
  }

  @Test
  void emptyScriptsAndStraySemicolons() throws SqlParseException {
    assertThat(TidewaterSqlParser.parseStatements("")).isEmpty();
    assertThat(TidewaterSqlParser.parseStatements("-- nothing here\n")).isEmpty();
    assertThat(TidewaterSqlParser.parseStatements("/* nothing */ ; -- here")).isEmpty();
    assertThat(TidewaterSqlParser.parseStatements("SHOW SOURCES;;SHOW TABLES;")).hasSize(2);
  }

  @Test
  void errorInAScriptReportsTheScriptPosition() {
    String script = "SHOW SOURCES;\nSELECT 1;\nLOAD s INTO t WITH DISPOSITION UPSERT;\n";

    assertThatThrownBy(() -> TidewaterSqlParser.parseStatements(script))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("UPSERT")
        .hasMessageContaining("line 3, column 32")
        .satisfies(
            e -> {
              SqlParserPos pos = ((SqlParseException) e).getPos();
              assertThat(pos.getLineNum()).isEqualTo(3);
              assertThat(pos.getColumnNum()).isEqualTo(32);
            });
  }

  @Test
  void errorInOneStatementReportsLineAndColumn() {
    assertThatThrownBy(() -> TidewaterSqlParser.parseStatement("SELECT a,\n  FROM t"))
        .isInstanceOf(SqlParseException.class)
        .satisfies(
            e -> {
              SqlParserPos pos = ((SqlParseException) e).getPos();
              assertThat(pos.getLineNum()).isEqualTo(2);
              assertThat(pos.getColumnNum()).isEqualTo(3);
            });
  }

  @Test
  void lexicalErrorReportsLineAndColumn() {
    assertThatThrownBy(() -> TidewaterSqlParser.parseStatement("SHOW TABLES;\nSELECT # FROM t"))
        .isInstanceOf(SqlParseException.class)
        .satisfies(
            e -> {
              SqlParserPos pos = ((SqlParseException) e).getPos();
              assertThat(pos.getLineNum()).isEqualTo(2);
              assertThat(pos.getColumnNum()).isEqualTo(8);
            });
  }

  @Test
  void parseStatementAcceptsATrailingSemicolonButNotTwoStatements() throws SqlParseException {
    assertThat(TidewaterSqlParser.parseStatement("SHOW SOURCES; -- done"))
        .isInstanceOf(SqlShow.class);
    assertThatThrownBy(() -> TidewaterSqlParser.parseStatement("SHOW SOURCES;\nSHOW TABLES"))
        .isInstanceOf(SqlParseException.class)
        .hasMessage("Expected one SQL statement, found 2; the second begins at line 2, column 1");
    assertThatThrownBy(() -> TidewaterSqlParser.parseStatement("  -- only a comment"))
        .isInstanceOf(SqlParseException.class)
        .hasMessage("Expected one SQL statement, found none");
  }
}
