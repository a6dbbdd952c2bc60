package dev.tidewater.parser;

import static dev.tidewater.parser.Parsing.name;
import static dev.tidewater.parser.Parsing.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.parser.ast.SqlUse;
import org.apache.calcite.sql.SqlSetOption;
import org.junit.jupiter.api.Test;

/** USE, SET CATALOG, SET SCHEMA, and Calcite's SET option = value for session options. */
class SessionStatementTest {

  @Test
  void useNamespace() {
    SqlUse use = parse("USE sales", SqlUse.class);
    assertThat(use.target).isEqualTo(SqlUse.Target.NAMESPACE);
    assertThat(name(use.name)).isEqualTo("sales");
  }

  @Test
  void useCatalogAndNamespace() {
    SqlUse use = parse("use lake.sales", SqlUse.class);
    assertThat(name(use.name)).isEqualTo("lake.sales");
    assertThat(TidewaterSqlParser.toSql(use)).startsWith("USE ");
  }

  @Test
  void setCatalog() {
    SqlUse set = parse("SET CATALOG lake", SqlUse.class);
    assertThat(set.target).isEqualTo(SqlUse.Target.CATALOG);
    assertThat(name(set.name)).isEqualTo("lake");
  }

  @Test
  void setSchemaWithEqualsOrTo() {
    assertThat(parse("SET SCHEMA = sales", SqlUse.class).target).isEqualTo(SqlUse.Target.SCHEMA);
    assertThat(name(parse("SET SCHEMA TO \"Sales\"", SqlUse.class).name)).isEqualTo("Sales");
  }

  @Test
  void otherSetIsCalcitesSetOption() {
    SqlSetOption set = parse("SET statement_timeout = '5s'", SqlSetOption.class);
    assertThat(name(set.getName())).isEqualTo("statement_timeout");
  }

  @Test
  void useStaysAnIdentifier() {
    parse("SELECT use FROM t", org.apache.calcite.sql.SqlSelect.class);
  }
}
