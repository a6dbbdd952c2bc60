package dev.tidewater.parser;

import static dev.tidewater.parser.Parsing.name;
import static dev.tidewater.parser.Parsing.parse;
import static dev.tidewater.parser.Parsing.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.ast.SqlExplainLoad;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlLoad.Disposition;
import dev.tidewater.parser.ast.SqlLoad.OnError;
import dev.tidewater.parser.ast.SqlLoad.SortDirection;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.parser.ast.SqlValidateLoad;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.junit.jupiter.api.Test;

class LoadStatementTest {
  private static final String MINIMAL =
      "LOAD shop_db.public.orders INTO iceberg.sales.orders WITH DISPOSITION APPEND";

  @Test
  void minimalLoadLeavesOptionalClausesEmpty() {
    SqlLoad load = parse(MINIMAL, SqlLoad.class);

    assertThat(name(load.source)).isEqualTo("shop_db.public.orders");
    assertThat(load.isQuerySource()).isFalse();
    assertThat(name(load.target)).isEqualTo("iceberg.sales.orders");
    assertThat(load.disposition).isEqualTo(Disposition.APPEND);
    assertThat(load.partitionBy).isNull();
    assertThat(load.mergeKeys).isNull();
    assertThat(load.dedupBy).isNull();
    assertThat(load.dedupDirection).isEqualTo(SortDirection.ASC);
    assertThat(load.deleteWhen).isNull();
    assertThat(load.incrementalColumn).isNull();
    assertThat(load.incrementalInitial).isNull();
    assertThat(load.incrementalLag).isNull();
    assertThat(load.backfillFrom).isNull();
    assertThat(load.backfillTo).isNull();
    assertThat(load.contract).isNull();
    assertThat(load.onError).isNull();
    assertThat(load.quarantineTable).isNull();
    assertThat(load.errorLimit).isNull();
    assertThat(load.errorLimitPercent).isFalse();
    assertThat(load.branch).isNull();
    assertThat(load.options).isEmpty();
  }

  @Test
  void sourceMayBeASingleName() {
    SqlLoad load = parse("load landing into orders with disposition append", SqlLoad.class);

    assertThat(name(load.source)).isEqualTo("landing");
    assertThat(name(load.target)).isEqualTo("orders");
  }

  @Test
  void sourceMayBeAQuery() {
    SqlLoad load =
        parse(
            "LOAD (SELECT id, amount FROM shop_db.public.orders WHERE amount > 0)"
                + " INTO sales.orders WITH DISPOSITION APPEND",
            SqlLoad.class);

    assertThat(load.isQuerySource()).isTrue();
    SqlSelect select = (SqlSelect) load.source;
    assertThat(select.getSelectList()).hasSize(2);
    assertThat(name(select.getFrom())).isEqualTo("shop_db.public.orders");
    assertThat(select.getWhere()).isNotNull();
  }

  @Test
  void querySourceMayHaveOrderByLimitAndSetOperations() {
    SqlLoad ordered =
        parse(
            "LOAD (SELECT * FROM s.t ORDER BY id LIMIT 10) INTO t WITH DISPOSITION APPEND",
            SqlLoad.class);
    SqlLoad union =
        parse(
            "LOAD (SELECT a FROM x UNION ALL SELECT a FROM y) INTO t WITH DISPOSITION APPEND",
            SqlLoad.class);
    SqlLoad values =
        parse("LOAD (VALUES (1, 'a'), (2, 'b')) INTO t WITH DISPOSITION APPEND", SqlLoad.class);

    assertThat(ordered.source).isInstanceOf(SqlOrderBy.class);
    assertThat(union.source.getKind()).isEqualTo(SqlKind.UNION);
    assertThat(values.source.getKind()).isEqualTo(SqlKind.VALUES);
  }

  @Test
  void partitionedByColumnsAndTransforms() {
    SqlLoad load =
        parse(
            "LOAD s INTO t PARTITIONED BY (region, day(ts), bucket(16, id), truncate(4, name),"
                + " year(ts), month(ts), hour(ts), identity(id)) WITH DISPOSITION APPEND",
            SqlLoad.class);

    List<SqlNode> terms = load.partitionBy.getList();
    assertThat(terms).hasSize(8);
    assertThat(name(terms.get(0))).isEqualTo("region");
    assertTransform(terms.get(1), "day", "ts");
    assertTransform(terms.get(2), "bucket", "16", "id");
    assertTransform(terms.get(3), "truncate", "4", "name");
    assertTransform(terms.get(4), "year", "ts");
    assertTransform(terms.get(5), "month", "ts");
    assertTransform(terms.get(6), "hour", "ts");
    assertTransform(terms.get(7), "identity", "id");
  }

  private static void assertTransform(SqlNode term, String transform, String... operands) {
    assertThat(term).isInstanceOf(SqlBasicCall.class);
    SqlBasicCall call = (SqlBasicCall) term;
    assertThat(call.getOperator().getName()).isEqualTo(transform);
    assertThat(call.getOperandList())
        .map(node -> node instanceof SqlNumericLiteral literal ? literal.toValue() : name(node))
        .containsExactly(operands);
  }

  @Test
  void replaceDisposition() {
    SqlLoad load = parse("LOAD s INTO t WITH DISPOSITION REPLACE", SqlLoad.class);

    assertThat(load.disposition).isEqualTo(Disposition.REPLACE);
    assertThat(load.mergeKeys).isNull();
  }

  @Test
  void mergeOnKeys() {
    SqlLoad load = parse("LOAD s INTO t WITH DISPOSITION MERGE ON (id, region)", SqlLoad.class);

    assertThat(load.disposition).isEqualTo(Disposition.MERGE);
    assertThat(load.mergeKeys.getList()).map(Parsing::name).containsExactly("id", "region");
    assertThat(load.dedupBy).isNull();
    assertThat(load.deleteWhen).isNull();
  }

  @Test
  void mergeWithDedupAndDeleteWhen() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION MERGE ON (id) DEDUP BY updated_at DESC"
                + " DELETE WHEN op = 'd' OR deleted IS TRUE",
            SqlLoad.class);

    assertThat(name(load.dedupBy)).isEqualTo("updated_at");
    assertThat(load.dedupDirection).isEqualTo(SortDirection.DESC);
    assertThat(load.deleteWhen.getKind()).isEqualTo(SqlKind.OR);
  }

  @Test
  void deleteWhenMayBeFollowedByAnyLaterClause() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION MERGE ON (id) DELETE WHEN deleted"
                + " ON ERROR SKIP AT BRANCH 'b' WITH (x = 1)",
            SqlLoad.class);

    assertThat(name(load.deleteWhen)).isEqualTo("deleted");
    assertThat(load.onError).isEqualTo(OnError.SKIP);
    assertThat(text(load.branch)).isEqualTo("b");
    assertThat(load.options).hasSize(1);
  }

  @Test
  void dedupDirectionDefaultsToAscending() {
    SqlLoad implicit =
        parse("LOAD s INTO t WITH DISPOSITION MERGE ON (id) DEDUP BY seq", SqlLoad.class);
    SqlLoad explicit =
        parse("LOAD s INTO t WITH DISPOSITION MERGE ON (id) DEDUP BY seq ASC", SqlLoad.class);

    assertThat(implicit.dedupDirection).isEqualTo(SortDirection.ASC);
    assertThat(explicit.dedupDirection).isEqualTo(SortDirection.ASC);
  }

  @Test
  void incrementalWithInitialAndIntervalLag() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION APPEND INCREMENTAL ON updated_at"
                + " INITIAL TIMESTAMP '2024-01-01 00:00:00' LAG INTERVAL '5' MINUTE",
            SqlLoad.class);

    assertThat(name(load.incrementalColumn)).isEqualTo("updated_at");
    // Calcite types date-time literals during validation; the parser leaves them tagged.
    assertThat(((SqlUnknownLiteral) load.incrementalInitial).tag).isEqualTo("TIMESTAMP");
    assertThat(((SqlUnknownLiteral) load.incrementalInitial).getValue())
        .isEqualTo("2024-01-01 00:00:00");
    assertThat(load.incrementalLag).isInstanceOf(SqlIntervalLiteral.class);
  }

  @Test
  void incrementalLiteralsMayBeNumbersOrStrings() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION APPEND INCREMENTAL ON id INITIAL -1 LAG '10 minutes'",
            SqlLoad.class);
    SqlLoad cursorOnly =
        parse("LOAD s INTO t WITH DISPOSITION APPEND INCREMENTAL ON id", SqlLoad.class);

    assertThat(((SqlLiteral) load.incrementalInitial).getValueAs(BigDecimal.class))
        .isEqualByComparingTo("-1");
    assertThat(text(load.incrementalLag)).isEqualTo("10 minutes");
    assertThat(cursorOnly.incrementalInitial).isNull();
    assertThat(cursorOnly.incrementalLag).isNull();
  }

  @Test
  void backfillRange() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION APPEND INCREMENTAL ON d"
                + " BACKFILL FROM DATE '2024-01-01' TO DATE '2024-02-01'",
            SqlLoad.class);

    assertThat(((SqlLiteral) load.backfillFrom).toValue()).isEqualTo("2024-01-01");
    assertThat(((SqlLiteral) load.backfillTo).toValue()).isEqualTo("2024-02-01");
  }

  @Test
  void usingContract() {
    SqlLoad load =
        parse("LOAD s INTO t WITH DISPOSITION APPEND USING CONTRACT orders_v1", SqlLoad.class);

    assertThat(name(load.contract)).isEqualTo("orders_v1");
  }

  @Test
  void onErrorChoices() {
    SqlLoad abort = parse("LOAD s INTO t WITH DISPOSITION APPEND ON ERROR ABORT", SqlLoad.class);
    SqlLoad skip = parse("LOAD s INTO t WITH DISPOSITION APPEND ON ERROR SKIP", SqlLoad.class);
    SqlLoad quarantine =
        parse("LOAD s INTO t WITH DISPOSITION APPEND ON ERROR QUARANTINE", SqlLoad.class);

    assertThat(abort.onError).isEqualTo(OnError.ABORT);
    assertThat(skip.onError).isEqualTo(OnError.SKIP);
    assertThat(quarantine.onError).isEqualTo(OnError.QUARANTINE);
    assertThat(quarantine.quarantineTable).isNull();
  }

  @Test
  void quarantineIntoTableWithErrorLimit() {
    SqlLoad count =
        parse(
            "LOAD s INTO t WITH DISPOSITION APPEND ON ERROR QUARANTINE INTO lake.ops.rejects"
                + " ERROR LIMIT 100",
            SqlLoad.class);
    SqlLoad percent =
        parse(
            "LOAD s INTO t WITH DISPOSITION APPEND ON ERROR SKIP ERROR LIMIT 2.5 PERCENT",
            SqlLoad.class);

    assertThat(name(count.quarantineTable)).isEqualTo("lake.ops.rejects");
    assertThat(count.errorLimit.intValue(true)).isEqualTo(100);
    assertThat(count.errorLimitPercent).isFalse();
    assertThat(percent.errorLimit.bigDecimalValue()).isEqualByComparingTo("2.5");
    assertThat(percent.errorLimitPercent).isTrue();
  }

  @Test
  void atBranch() {
    SqlLoad load = parse("LOAD s INTO t WITH DISPOSITION APPEND AT BRANCH 'audit'", SqlLoad.class);

    assertThat(text(load.branch)).isEqualTo("audit");
  }

  @Test
  void trailingOptions() {
    SqlLoad load =
        parse(
            "LOAD s INTO t WITH DISPOSITION MERGE ON (id)"
                + " WITH (merge_mode = 'copy-on-write', target_file_size = '256MB')",
            SqlLoad.class);

    assertThat(SqlOptions.toMap(load.options))
        .containsExactly(
            java.util.Map.entry("merge_mode", "copy-on-write"),
            java.util.Map.entry("target_file_size", "256MB"));
  }

  @Test
  void everyClauseAtOnce() {
    SqlLoad load =
        parse(
            """
            LOAD shop_db.public.orders
              INTO iceberg.sales.orders
              PARTITIONED BY (day(updated_at), bucket(16, id))
              WITH DISPOSITION MERGE ON (id) DEDUP BY updated_at DESC DELETE WHEN op = 'd'
              INCREMENTAL ON updated_at INITIAL '2024-01-01' LAG INTERVAL '1' HOUR
              BACKFILL FROM '2024-01-01' TO '2024-03-01'
              USING CONTRACT orders_v1
              ON ERROR QUARANTINE INTO iceberg.sales.orders_rejects ERROR LIMIT 5 PERCENT
              AT BRANCH 'audit'
              WITH (merge_mode = 'merge-on-read')
            """,
            SqlLoad.class);

    assertThat(load.partitionBy).hasSize(2);
    assertThat(load.disposition).isEqualTo(Disposition.MERGE);
    assertThat(load.deleteWhen).isNotNull();
    assertThat(text(load.incrementalInitial)).isEqualTo("2024-01-01");
    assertThat(text(load.backfillTo)).isEqualTo("2024-03-01");
    assertThat(name(load.contract)).isEqualTo("orders_v1");
    assertThat(load.onError).isEqualTo(OnError.QUARANTINE);
    assertThat(load.errorLimitPercent).isTrue();
    assertThat(text(load.branch)).isEqualTo("audit");
    assertThat(SqlOptions.toMap(load.options)).containsEntry("merge_mode", "merge-on-read");
    assertThat(TidewaterSqlParser.toSql(load))
        .isEqualTo(
            "LOAD \"shop_db\".\"public\".\"orders\" INTO \"iceberg\".\"sales\".\"orders\""
                + " PARTITIONED BY (DAY(\"updated_at\"), BUCKET(16, \"id\"))"
                + " WITH DISPOSITION MERGE ON (\"id\") DEDUP BY \"updated_at\" DESC"
                + " DELETE WHEN \"op\" = 'd'"
                + " INCREMENTAL ON \"updated_at\" INITIAL '2024-01-01' LAG INTERVAL '1' HOUR"
                + " BACKFILL FROM '2024-01-01' TO '2024-03-01' USING CONTRACT \"orders_v1\""
                + " ON ERROR QUARANTINE INTO \"iceberg\".\"sales\".\"orders_rejects\""
                + " ERROR LIMIT 5 PERCENT AT BRANCH 'audit' WITH (\"merge_mode\" = 'merge-on-read')");
  }

  @Test
  void dispositionIsRequired() {
    assertThatThrownBy(() -> TidewaterSqlParser.parseStatement("LOAD s INTO t"))
        .isInstanceOf(SqlParseException.class)
        .hasMessageContaining("WITH");
  }

  @Test
  void clausesMustComeInOrder() {
    assertThatThrownBy(
            () ->
                TidewaterSqlParser.parseStatement(
                    "LOAD s INTO t WITH DISPOSITION APPEND USING CONTRACT c INCREMENTAL ON x"))
        .isInstanceOf(SqlParseException.class)
        .satisfies(e -> assertThat(((SqlParseException) e).getPos().getColumnNum()).isEqualTo(56));
  }

  @Test
  void explainLoadWrapsTheLoad() {
    SqlExplainLoad explain =
        parse("EXPLAIN LOAD s INTO t WITH DISPOSITION MERGE ON (id)", SqlExplainLoad.class);

    assertThat(explain.load.disposition).isEqualTo(Disposition.MERGE);
    assertThat(name(explain.load.target)).isEqualTo("t");
  }

  @Test
  void validateLoadWrapsTheLoad() {
    SqlValidateLoad validate =
        parse(
            "VALIDATE LOAD s INTO t WITH DISPOSITION APPEND USING CONTRACT c",
            SqlValidateLoad.class);

    assertThat(name(validate.load.contract)).isEqualTo("c");
  }
}
