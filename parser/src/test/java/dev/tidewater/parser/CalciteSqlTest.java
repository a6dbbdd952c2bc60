package dev.tidewater.parser;

import static dev.tidewater.parser.Parsing.name;
import static dev.tidewater.parser.Parsing.parse;
import static dev.tidewater.parser.Parsing.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.parser.ast.SqlTimeTravel;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.util.SqlShuttle;
import org.junit.jupiter.api.Test;

/** Calcite's own SQL still parses, and Tidewater's keywords remain usable as names. */
class CalciteSqlTest {

  @Test
  void newKeywordsAreUsableAsColumnNames() {
    SqlSelect select =
        parse(
            "SELECT source, load, loads, tables, append, namespace, contract, branch, validate,"
                + " incremental, quarantine, purge, dedup, disposition, publish, if, abort"
                + " FROM t",
            SqlSelect.class);

    assertThat(select.getSelectList().getList())
        .map(Parsing::name)
        .containsExactly(
            "source",
            "load",
            "loads",
            "tables",
            "append",
            "namespace",
            "contract",
            "branch",
            "validate",
            "incremental",
            "quarantine",
            "purge",
            "dedup",
            "disposition",
            "publish",
            "if",
            "abort");
  }

  @Test
  void newKeywordsAreUsableAsTableAndAliasNames() {
    SqlSelect select =
        parse("SELECT load.source FROM sources.tables AS load WHERE append = 1", SqlSelect.class);

    assertThat(name(select.getSelectList().get(0))).isEqualTo("load.source");
    SqlCall as = (SqlCall) select.getFrom();
    assertThat(name(as.operand(0))).isEqualTo("sources.tables");
    assertThat(name(as.operand(1))).isEqualTo("load");
  }

  @Test
  void systemTablesNeedNoQuotes() {
    SqlSelect loads = parse("SELECT * FROM system.loads WHERE status = 'failed'", SqlSelect.class);
    SqlSelect errors = parse("SELECT count(*) FROM system.load_errors", SqlSelect.class);

    assertThat(name(loads.getFrom())).isEqualTo("system.loads");
    assertThat(name(errors.getFrom())).isEqualTo("system.load_errors");
    assertThat(parse("ALTER SYSTEM SET x = 1", SqlNode.class).getKind())
        .isEqualTo(SqlKind.SET_OPTION);
  }

  @Test
  void unquotedNamesFoldToLowerCaseQuotedNamesKeepTheirCase() {
    SqlSelect select = parse("SELECT \"Release Date\", Title FROM Movies.\"Top\"", SqlSelect.class);

    assertThat(name(select.getSelectList().get(0))).isEqualTo("Release Date");
    assertThat(name(select.getSelectList().get(1))).isEqualTo("title");
    assertThat(name(select.getFrom())).isEqualTo("movies.Top");
  }

  @Test
  void joinsGroupByOrderByAndLimit() {
    SqlOrderBy orderBy =
        parse(
            """
            SELECT o.status, count(*) AS n, sum(o.amount)
            FROM iceberg.sales.orders o
            JOIN iceberg.sales.customers c ON o.customer_id = c.id
            LEFT JOIN system.loads l ON l.target = 'orders'
            WHERE o.amount > 10
            GROUP BY o.status
            HAVING count(*) > 1
            ORDER BY n DESC
            LIMIT 10
            """,
            SqlOrderBy.class);

    SqlSelect select = (SqlSelect) orderBy.query;
    assertThat(select.getFrom()).isInstanceOf(SqlJoin.class);
    assertThat(select.getGroup()).hasSize(1);
    assertThat(select.getHaving()).isNotNull();
    assertThat(((SqlNumericLiteral) orderBy.fetch).intValue(true)).isEqualTo(10);
  }

  @Test
  void withValuesInsertAndExplainPlan() {
    assertThat(parse("WITH x AS (SELECT 1 AS a) SELECT a FROM x", SqlNode.class).getKind())
        .isEqualTo(SqlKind.WITH);
    assertThat(parse("VALUES (1, 'a'), (2, 'b')", SqlNode.class).getKind())
        .isEqualTo(SqlKind.VALUES);
    assertThat(parse("INSERT INTO t (a) VALUES (1)", SqlInsert.class).getTargetTable())
        .isInstanceOf(SqlIdentifier.class);
    assertThat(parse("EXPLAIN PLAN FOR SELECT * FROM t", SqlExplain.class).getExplicandum())
        .isInstanceOf(SqlSelect.class);
    assertThat(parse("DESCRIBE SELECT * FROM t", SqlExplain.class).getExplicandum())
        .isInstanceOf(SqlSelect.class);
  }

  @Test
  void timeTravelByVersionAndTimestamp() {
    SqlSelect byVersion =
        parse("SELECT * FROM iceberg.sales.orders FOR VERSION AS OF 'audit'", SqlSelect.class);
    SqlSelect bySnapshotId =
        parse("SELECT * FROM t FOR VERSION AS OF 4348475929451364201 AS x", SqlSelect.class);
    SqlSelect byTimestamp =
        parse(
            "SELECT * FROM t FOR TIMESTAMP AS OF TIMESTAMP '2024-05-01 10:00:00' WHERE a = 1",
            SqlSelect.class);

    SqlTimeTravel version = (SqlTimeTravel) byVersion.getFrom();
    assertThat(version.kind).isEqualTo(SqlTimeTravel.Kind.VERSION);
    assertThat(name(version.table)).isEqualTo("iceberg.sales.orders");
    assertThat(text(version.point)).isEqualTo("audit");
    SqlCall alias = (SqlCall) bySnapshotId.getFrom();
    assertThat(alias.getKind()).isEqualTo(SqlKind.AS);
    assertThat(((SqlTimeTravel) alias.operand(0)).point).isInstanceOf(SqlNumericLiteral.class);
    SqlTimeTravel timestamp = (SqlTimeTravel) byTimestamp.getFrom();
    assertThat(timestamp.kind).isEqualTo(SqlTimeTravel.Kind.TIMESTAMP);
  }

  @Test
  void calciteSystemTimeStaysASnapshot() {
    SqlSelect select =
        parse(
            "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-05-01 10:00:00'",
            SqlSelect.class);

    assertThat(select.getFrom()).isInstanceOf(SqlSnapshot.class);
  }

  @Test
  void timeTravelSurvivesATreeCopy() {
    SqlSelect select =
        parse("SELECT * FROM t FOR VERSION AS OF 'audit' WHERE a = 1", SqlSelect.class);

    SqlNode copy =
        select.accept(
            new SqlShuttle() {
              @Override
              public SqlNode visit(SqlIdentifier id) {
                return new SqlIdentifier(List.of("renamed"), id.getParserPosition());
              }
            });

    SqlTimeTravel travel = (SqlTimeTravel) ((SqlSelect) copy).getFrom();
    assertThat(name(travel.table)).isEqualTo("renamed");
    assertThat(travel.kind).isEqualTo(SqlTimeTravel.Kind.VERSION);
    assertThat(name(((SqlBasicCall) ((SqlSelect) copy).getWhere()).operand(0)))
        .isEqualTo("renamed");
  }
}
