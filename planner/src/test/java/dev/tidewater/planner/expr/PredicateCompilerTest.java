package dev.tidewater.planner.expr;

import static dev.tidewater.planner.expr.TestBatches.batch;
import static dev.tidewater.planner.expr.TestBatches.bigint;
import static dev.tidewater.planner.expr.TestBatches.bool;
import static dev.tidewater.planner.expr.TestBatches.date;
import static dev.tidewater.planner.expr.TestBatches.decimal;
import static dev.tidewater.planner.expr.TestBatches.float4;
import static dev.tidewater.planner.expr.TestBatches.float8;
import static dev.tidewater.planner.expr.TestBatches.integer;
import static dev.tidewater.planner.expr.TestBatches.outcomes;
import static dev.tidewater.planner.expr.TestBatches.schema;
import static dev.tidewater.planner.expr.TestBatches.smallint;
import static dev.tidewater.planner.expr.TestBatches.timestamp;
import static dev.tidewater.planner.expr.TestBatches.timestampTz;
import static dev.tidewater.planner.expr.TestBatches.tinyint;
import static dev.tidewater.planner.expr.TestBatches.varchar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PredicateCompilerTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void close() {
    allocator.close();
  }

  /** Evaluates vectorized and row by row, checks they agree, and returns T / F / ? per row. */
  private String eval(String expression, Schema schema, Object[]... rows) {
    if (rows.length > 0 && rows[0].length < schema.getFields().size()) {
      Object[][] padded = new Object[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        padded[i] = java.util.Arrays.copyOf(rows[i], schema.getFields().size());
      }
      rows = padded;
    }
    try (VectorSchemaRoot root = batch(allocator, schema, rows)) {
      PredicateResult vectorized = new PredicateResult();
      PredicateCompiler.compile(expression, schema).evaluate(root, vectorized);
      PredicateResult rowByRow = new PredicateResult();
      PredicateCompiler.compile(expression, schema, PredicateCompiler.Mode.ROW_BY_ROW)
          .evaluate(root, rowByRow);
      assertThat(outcomes(vectorized))
          .as("vectorized and row-by-row results of %s", expression)
          .isEqualTo(outcomes(rowByRow));
      return outcomes(vectorized);
    }
  }

  private static String plan(String expression, Schema schema) {
    return PredicateCompiler.compile(expression, schema, PredicateCompiler.Mode.VECTORIZED).plan();
  }

  private static void assertVectorized(String expression, Schema schema) {
    assertThat(plan(expression, schema)).as(expression).doesNotContain("row-by-row");
  }

  private static Object[] row(Object... values) {
    return values;
  }

  // ---- three-valued logic ----

  private static final Schema AB = schema(bool("a"), bool("b"));

  /** Rows (a, b): TT TF TN FT FF FN NT NF NN. */
  private static final Object[][] TRUTH_TABLE = {
    row(true, true), row(true, false), row(true, null),
    row(false, true), row(false, false), row(false, null),
    row(null, true), row(null, false), row(null, null)
  };

  @Test
  void andOrNotFollowThreeValuedLogic() {
    assertThat(eval("a AND b", AB, TRUTH_TABLE)).isEqualTo("TF?FFF?F?");
    assertThat(eval("a OR b", AB, TRUTH_TABLE)).isEqualTo("TTTTF?T??");
    assertThat(eval("NOT a", AB, TRUTH_TABLE)).isEqualTo("FFFTTT???");
    assertThat(eval("NOT (a AND b)", AB, TRUTH_TABLE)).isEqualTo("FT?TTT?T?");
    assertThat(eval("a", AB, TRUTH_TABLE)).isEqualTo("TTTFFF???");
    assertVectorized("NOT (a AND b) OR a", AB);
  }

  @Test
  void isTestsAreNeverUnknown() {
    assertThat(eval("a IS TRUE", AB, TRUTH_TABLE)).isEqualTo("TTTFFFFFF");
    assertThat(eval("a IS NOT TRUE", AB, TRUTH_TABLE)).isEqualTo("FFFTTTTTT");
    assertThat(eval("a IS FALSE", AB, TRUTH_TABLE)).isEqualTo("FFFTTTFFF");
    assertThat(eval("a IS NOT FALSE", AB, TRUTH_TABLE)).isEqualTo("TTTFFFTTT");
    assertThat(eval("a IS NULL", AB, TRUTH_TABLE)).isEqualTo("FFFFFFTTT");
    assertThat(eval("a IS UNKNOWN", AB, TRUTH_TABLE)).isEqualTo("FFFFFFTTT");
    assertThat(eval("(a AND b) IS NOT NULL", AB, TRUTH_TABLE)).isEqualTo("TTFTTTFTF");
    assertVectorized("(a AND b) IS NOT NULL AND a IS NOT TRUE", AB);
  }

  @Test
  void booleanEqualityAndDistinctness() {
    assertThat(eval("a = b", AB, TRUTH_TABLE)).isEqualTo("TF?FT????");
    assertThat(eval("a <> b", AB, TRUTH_TABLE)).isEqualTo("FT?TF????");
    assertThat(eval("a IS DISTINCT FROM b", AB, TRUTH_TABLE)).isEqualTo("FTTTFTTTF");
    assertThat(eval("a IS NOT DISTINCT FROM b", AB, TRUTH_TABLE)).isEqualTo("TFFFTFFFT");
    assertThat(eval("a = TRUE", AB, TRUTH_TABLE)).isEqualTo("TTTFFF???");
    assertThat(eval("TRUE", AB, TRUTH_TABLE)).isEqualTo("TTTTTTTTT");
    assertThat(eval("a AND UNKNOWN", AB, TRUTH_TABLE)).isEqualTo("???FFF???");
    assertVectorized("a = b", AB);
  }

  // ---- comparisons by type ----

  private static final Schema TYPES =
      schema(
          bigint("big"),
          integer("num"),
          smallint("small"),
          tinyint("tiny"),
          float8("dbl"),
          float4("flt"),
          decimal("amount", 12, 2),
          varchar("name"),
          bool("flag"),
          date("dt"),
          timestamp("ts"),
          timestampTz("tstz"));

  private static final Object[][] TYPED_ROWS = {
    row(
        10L,
        10,
        10,
        10,
        1.5,
        1.5f,
        new BigDecimal("12.50"),
        "alice",
        true,
        LocalDate.of(2024, 1, 15),
        LocalDateTime.of(2024, 1, 15, 10, 30, 0, 123_000_000),
        LocalDateTime.of(2024, 1, 15, 10, 30)),
    row(
        -3L,
        -3,
        -3,
        -3,
        -0.25,
        -0.25f,
        new BigDecimal("-0.01"),
        "bob",
        false,
        LocalDate.of(1969, 12, 31),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59)),
    row(null, null, null, null, null, null, null, null, null, null, null, null)
  };

  private String typed(String expression) {
    return eval(expression, TYPES, TYPED_ROWS);
  }

  @Test
  void comparesEachTypeWithLiterals() {
    assertThat(typed("big > 0")).isEqualTo("TF?");
    assertThat(typed("num >= 10")).isEqualTo("TF?");
    assertThat(typed("small < -2")).isEqualTo("FT?");
    assertThat(typed("tiny <> 10")).isEqualTo("FT?");
    assertThat(typed("dbl = 1.5")).isEqualTo("TF?");
    assertThat(typed("flt <= -0.25")).isEqualTo("FT?");
    assertThat(typed("amount >= 0")).isEqualTo("TF?");
    assertThat(typed("amount > 12.495")).isEqualTo("TF?");
    assertThat(typed("amount = 12.5")).isEqualTo("TF?");
    assertThat(typed("name = 'alice'")).isEqualTo("TF?");
    assertThat(typed("name < 'b'")).isEqualTo("TF?");
    assertThat(typed("name >= 'bob'")).isEqualTo("FT?");
    assertThat(typed("flag")).isEqualTo("TF?");
    assertThat(typed("dt > DATE '2000-01-01'")).isEqualTo("TF?");
    assertThat(typed("dt = DATE '1969-12-31'")).isEqualTo("FT?");
    assertThat(typed("ts >= TIMESTAMP '2024-01-15 10:30:00.123'")).isEqualTo("TF?");
    assertThat(typed("ts > TIMESTAMP '2024-01-15 10:30:00.123'")).isEqualTo("FF?");
    assertThat(typed("ts < TIMESTAMP '1970-01-01 00:00:00'")).isEqualTo("FT?");
    assertThat(typed("tstz > TIMESTAMP WITH LOCAL TIME ZONE '2000-01-01 00:00:00'"))
        .isEqualTo("TF?");
    for (String expression :
        new String[] {
          "big > 0",
          "num >= 10 AND small < 3 AND tiny <> 1",
          "dbl = 1.5 OR flt <= 0",
          "amount > 12.495",
          "name < 'b'",
          "dt > DATE '2000-01-01'",
          "ts >= TIMESTAMP '2024-01-15 10:30:00.123'"
        }) {
      assertVectorized(expression, TYPES);
    }
  }

  @Test
  void comparesColumnsWithColumns() {
    assertThat(typed("big = num")).isEqualTo("TT?");
    assertThat(typed("amount > big")).isEqualTo("TT?");
    assertThat(typed("dbl < amount")).isEqualTo("TT?");
    assertThat(typed("flt = dbl")).isEqualTo("TT?");
    assertThat(typed("small <= tiny")).isEqualTo("TT?");
    assertThat(typed("ts > tstz")).isEqualTo("TF?");
    assertThat(typed("name > UPPER(name)")).isEqualTo("TT?");
    assertVectorized("big = num AND amount > big AND dbl < amount AND ts > tstz", TYPES);
  }

  @Test
  void comparesStringColumnsAndUnicode() {
    Schema schema = schema(varchar("a"), varchar("b"));
    Object[][] rows = {row("é", "e"), row("abc", "abd"), row("", ""), row("x", null)};
    assertThat(eval("a > b", schema, rows)).isEqualTo("TFF?");
    assertThat(eval("a = b", schema, rows)).isEqualTo("FFT?");
    assertThat(eval("a <> b", schema, rows)).isEqualTo("TTF?");
    assertThat(eval("a = 'é'", schema, rows)).isEqualTo("TFFF");
    assertVectorized("a > b OR a = 'é'", schema);
  }

  @Test
  void comparisonWithNullIsUnknown() {
    assertThat(typed("big = NULL")).isEqualTo("???");
    assertThat(typed("NOT (name <> CAST(NULL AS VARCHAR))")).isEqualTo("???");
  }

  // ---- arithmetic ----

  @Test
  void arithmeticOnIntegersDecimalsAndDoubles() {
    assertThat(typed("big + num * 2 > 25")).isEqualTo("TF?");
    assertThat(typed("big - 1 = 9")).isEqualTo("TF?");
    assertThat(typed("-num < 0")).isEqualTo("TF?");
    assertThat(typed("num / 3 = 3")).isEqualTo("TF?");
    assertThat(typed("num / 2 = -1")).isEqualTo("FT?");
    assertThat(typed("amount * 2 >= amount + 12")).isEqualTo("TF?");
    assertThat(typed("amount + 0.005 > 12.5")).isEqualTo("TF?");
    assertThat(typed("dbl / 2 > 0.5")).isEqualTo("TF?");
    assertThat(typed("dbl * big > 14.9")).isEqualTo("TF?");
    assertThat(typed("flt + 1 < 1")).isEqualTo("FT?");
    assertThat(typed("amount - dbl > 10")).isEqualTo("TF?");
    assertVectorized("big + num * 2 > 25 AND -num < 0 AND num / 3 = 3", TYPES);
    assertVectorized("amount * 2 >= amount + 12 AND dbl / 2 > 0.5 AND amount - dbl > 10", TYPES);
  }

  @Test
  void divisionByZeroFailsWithTheRowUnlessGuarded() {
    Schema schema = schema(bigint("a"), bigint("b"));
    Object[][] rows = {row(4L, 2L), row(1L, 0L), row(null, 0L)};
    assertThat(eval("CASE WHEN b = 0 THEN FALSE ELSE a / b = 2 END", schema, rows))
        .isEqualTo("TFF");
    try (VectorSchemaRoot root = batch(allocator, schema, rows)) {
      CompiledPredicate predicate = PredicateCompiler.compile("a / b = 2", schema);
      assertThatThrownBy(() -> predicate.evaluate(root, new PredicateResult()))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessageContaining("row 1")
          .hasMessageContaining("'a / b = 2'");
    }
  }

  @Test
  void overflowAndWideDecimalsFallBackToExactArithmetic() {
    Schema schema = schema(bigint("a"), decimal("wide", 38, 2));
    Object[][] rows = {
      row(Long.MAX_VALUE / 2, new BigDecimal("1000000000000000000000000.00")),
      row(3L, new BigDecimal("-5.25")),
      row(null, null)
    };
    assertThat(eval("wide > 1000000", schema, rows)).isEqualTo("TF?");
    assertThat(eval("wide = -5.25", schema, rows)).isEqualTo("FT?");
    assertThat(eval("a * 2 > 0 OR wide IS NULL", schema, rows)).isEqualTo("TTT");
    assertThat(eval("CAST(a AS DECIMAL(30, 2)) * 100 > 0", schema, rows)).isEqualTo("TT?");
    assertThat(eval("wide * 2 > wide", schema, rows)).isEqualTo("TF?");
    // BIGINT arithmetic wraps around in Calcite's generated code; the vectorized path agrees.
    assertThat(eval("a + a > 0", schema, row(Long.MAX_VALUE - 1), row(1L))).isEqualTo("FT");
  }

  // ---- IN, BETWEEN ----

  @Test
  void inListsOfStringsAndNumbers() {
    assertThat(typed("name IN ('alice', 'carol')")).isEqualTo("TF?");
    assertThat(typed("name NOT IN ('alice', 'carol')")).isEqualTo("FT?");
    assertThat(typed("big IN (10, 11, 12)")).isEqualTo("TF?");
    assertThat(typed("amount IN (12.5, 3)")).isEqualTo("TF?");
    assertThat(typed("amount IN (12.505, -0.01)")).isEqualTo("FT?");
    assertThat(typed("dbl IN (1.5, 2.5)")).isEqualTo("TF?");
    assertThat(typed("dt IN (DATE '2024-01-15', DATE '2020-01-01')")).isEqualTo("TF?");
    assertVectorized("name IN ('alice', 'carol') AND big IN (10, 11, 12)", TYPES);
    assertVectorized("amount IN (12.5, 3) AND dt IN (DATE '2024-01-15', DATE '2020-01-01')", TYPES);
  }

  @Test
  void inListWithNullIsNeverFalse() {
    assertThat(typed("name IN ('alice', NULL)")).isEqualTo("T??");
    assertThat(typed("name NOT IN ('alice', NULL)")).isEqualTo("F??");
    assertThat(typed("big IN (10, NULL)")).isEqualTo("T??");
    assertThat(typed("big NOT IN (-3, NULL)")).isEqualTo("?F?");
  }

  @Test
  void longInListsUseAHashTable() {
    StringBuilder list = new StringBuilder("'alice'");
    StringBuilder numbers = new StringBuilder("10");
    for (int i = 0; i < 40; i++) {
      list.append(", 'name").append(i).append('\'');
      numbers.append(", ").append(100 + i);
    }
    assertThat(typed("name IN (" + list + ")")).isEqualTo("TF?");
    assertThat(typed("name NOT IN (" + list + ")")).isEqualTo("FT?");
    assertThat(typed("big IN (" + numbers + ")")).isEqualTo("TF?");
    assertVectorized("name IN (" + list + ") OR big IN (" + numbers + ")", TYPES);
  }

  @Test
  void between() {
    assertThat(typed("num BETWEEN -3 AND 9")).isEqualTo("FT?");
    assertThat(typed("num NOT BETWEEN -3 AND 9")).isEqualTo("TF?");
    assertThat(typed("num BETWEEN SYMMETRIC 10 AND 0")).isEqualTo("TF?");
    assertThat(typed("name BETWEEN 'a' AND 'b'")).isEqualTo("TF?");
    assertThat(typed("dt BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'")).isEqualTo("TF?");
    assertVectorized("num BETWEEN -3 AND 9 AND name BETWEEN 'a' AND 'b'", TYPES);
  }

  // ---- LIKE ----

  private String like(String pattern, Object... values) {
    Schema schema = schema(varchar("s"));
    Object[][] rows = new Object[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] = row(values[i]);
    }
    assertVectorized("s LIKE " + pattern, schema);
    return eval("s LIKE " + pattern, schema, rows);
  }

  @Test
  void likeWithPercentAndUnderscore() {
    assertThat(like("'%@%'", "a@b.c", "@", "no at", "", null)).isEqualTo("TTFF?");
    assertThat(like("'ab%'", "abc", "ab", "xab", "a")).isEqualTo("TTFF");
    assertThat(like("'%ab'", "cab", "ab", "abc", "b")).isEqualTo("TTFF");
    assertThat(like("'ab'", "ab", "abc", "")).isEqualTo("TFF");
    assertThat(like("'%'", "", "x", null)).isEqualTo("TT?");
    assertThat(like("'a_c'", "abc", "aéc", "ac", "abbc")).isEqualTo("TTFF");
    assertThat(like("'_'", "é", "ab", "", "😀")).isEqualTo("TFFT");
    assertThat(like("'%a%b%c%'", "xaybzc", "abc", "acb", "aabbcc")).isEqualTo("TTFT");
    assertThat(like("'a%%b_'", "ab1", "axxxbz", "ab", "abbb")).isEqualTo("TTFT");
    assertThat(like("'%_%_'", "ab", "a", "")).isEqualTo("TFF");
    assertThat(like("'%ss%s'", "misssis", "mississ", "sss")).isEqualTo("TTT");
    // A match must lie within one row, not across the bytes of two neighbours.
    assertThat(like("'%ab%'", "xa", "bx", "", "ab", "", "xxab", "a", "b")).isEqualTo("FFFTFTFF");
    assertThat(like("'%abcdefghij%'", "0123456789abcdefghij", "abcdefghi", "jabcdefghij"))
        .isEqualTo("TFT");
    // As in Calcite: % matches line breaks, _ does not.
    assertThat(like("'a%b'", "a\nb", "a\r\nb")).isEqualTo("TT");
    assertThat(like("'a_b'", "a\nb", "a\u2028b", "a\u0085b", "a\u00e9b")).isEqualTo("FFFT");
  }

  @Test
  void likeWithEscapes() {
    assertThat(like("'100\\%' ESCAPE '\\'", "100%", "1000", "100\\%")).isEqualTo("TFF");
    assertThat(like("'a!_b' ESCAPE '!'", "a_b", "axb")).isEqualTo("TF");
    assertThat(like("'a!!b%' ESCAPE '!'", "a!bc", "ab")).isEqualTo("TF");
    assertThat(like("'%\\_%'", "a\\_b", "a_b", "ab\\c")).isEqualTo("TFT");
  }

  @Test
  void notLikeAndInvalidEscape() {
    Schema schema = schema(varchar("s"));
    assertThat(eval("s NOT LIKE 'a%'", schema, row("abc"), row("b"), row((Object) null)))
        .isEqualTo("FT?");
    assertThatThrownBy(() -> PredicateCompiler.compile("s LIKE 'a!x' ESCAPE '!'", schema))
        .isInstanceOfSatisfying(
            TidewaterException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.USER);
              assertThat(e.position()).contains(new SqlPosition(1, 1));
            })
        .hasMessageContaining("escape");
  }

  // ---- the row-by-row path: CASE, functions, regular expressions ----

  @Test
  void caseAndFunctionsRunRowByRow() {
    assertThat(typed("CASE WHEN big > 0 THEN name = 'alice' ELSE flag END")).isEqualTo("TF?");
    assertThat(typed("COALESCE(num, 0) >= 0")).isEqualTo("TFT");
    assertThat(typed("UPPER(name) = 'ALICE'")).isEqualTo("TF?");
    assertThat(typed("LOWER('BOB') = name")).isEqualTo("FT?");
    assertThat(typed("CHAR_LENGTH(name) = 5")).isEqualTo("TF?");
    assertThat(typed("TRIM(BOTH 'a' FROM name) = 'lice'")).isEqualTo("TF?");
    assertThat(typed("SUBSTRING(name FROM 2 FOR 2) = 'ob'")).isEqualTo("FT?");
    assertThat(typed("EXTRACT(YEAR FROM dt) = 2024")).isEqualTo("TF?");
    assertThat(typed("EXTRACT(HOUR FROM ts) = 10")).isEqualTo("TF?");
    assertThat(typed("CAST(big AS VARCHAR) = '-3'")).isEqualTo("FT?");
    assertThat(typed("CAST(name AS VARCHAR(10)) = 'alice'")).isEqualTo("TF?");
    assertThat(typed("name SIMILAR TO '(alice|carol)'")).isEqualTo("TF?");
    assertThat(typed("REGEXP_LIKE(name, '^b.b$')")).isEqualTo("FT?");
    assertThat(typed("name ILIKE 'ALI%'")).isEqualTo("TF?");
    assertThat(typed("dt < CURRENT_DATE")).isEqualTo("TT?");
    assertThat(typed("dt + INTERVAL '1' DAY = DATE '2024-01-16'")).isEqualTo("TF?");
    assertThat(plan("UPPER(name) = 'ALICE' AND big > 0", TYPES))
        .contains("row-by-row(=(UPPER(name), 'ALICE'))")
        .contains("big > 0");
  }

  @Test
  void aTableCheckOverSeveralColumns() {
    String check = "amount >= 0 AND (flag OR name IN ('alice', 'carol')) AND dt <= CURRENT_DATE";
    assertThat(typed(check)).isEqualTo("TF?");
    assertVectorized("amount >= 0 AND (flag OR name IN ('alice', 'carol'))", TYPES);
  }

  // ---- names ----

  @Test
  void columnNamesMatchIgnoringCase() {
    Schema schema = schema(integer("Amount"), varchar("status"));
    Object[][] rows = {row(1, "new"), row(-1, "NEW")};
    assertThat(eval("amount > 0", schema, rows)).isEqualTo("TF");
    assertThat(eval("AMOUNT > 0 AND \"STATUS\" = 'new'", schema, rows)).isEqualTo("TF");
    assertThat(eval("\"Amount\" > 0", schema, rows)).isEqualTo("TF");
  }

  // ---- errors ----

  private static TidewaterException compileError(String expression, Schema schema) {
    try {
      PredicateCompiler.compile(expression, schema);
    } catch (TidewaterException e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.USER);
      return e;
    }
    throw new AssertionError("expected a compile error for " + expression);
  }

  @Test
  void unknownColumnIsAUserErrorAtItsPosition() {
    TidewaterException e = compileError("amount >= 0 AND\n  nmae = 'x'", TYPES);
    assertThat(e.position()).contains(new SqlPosition(2, 3));
    assertThat(e).hasMessageContaining("Unknown column 'nmae'").hasMessageContaining("name");
  }

  @Test
  void nonBooleanExpressionIsAUserError() {
    TidewaterException e = compileError("big + 1", TYPES);
    assertThat(e.position()).contains(new SqlPosition(1, 1));
    assertThat(e).hasMessageContaining("boolean").hasMessageContaining("BIGINT");
  }

  @Test
  void typeErrorsAreUserErrorsAtTheirPosition() {
    TidewaterException e = compileError("big > 0 AND flag + 1 > 0", TYPES);
    assertThat(e.position()).contains(new SqlPosition(1, 13));
    assertThat(e).hasMessageContaining("+");
    TidewaterException dates = compileError("dt > 5", TYPES);
    assertThat(dates.position()).isPresent();
    TidewaterException function = compileError("NO_SUCH_FUNCTION(name)", TYPES);
    assertThat(function.position()).contains(new SqlPosition(1, 1));
  }

  @Test
  void otherUserErrors() {
    assertThat(compileError("big >", TYPES)).hasMessageContaining("Invalid expression");
    assertThat(compileError("COUNT(*) > 1", TYPES)).hasMessageContaining("Aggregate");
    assertThat(compileError("t.big > 1", TYPES)).hasMessageContaining("without a qualifier");
    assertThat(compileError("big IN (SELECT 1)", TYPES)).hasMessageContaining("Sub-queries");
    Schema withBinary =
        schema(integer("n"), Field.nullable("payload", new ArrowType.Binary()), varchar("big"));
    assertThat(eval("n > 0", withBinary, row(1, null, "x"), row(0, null, null))).isEqualTo("TF");
    assertThat(compileError("n > 0 OR payload IS NULL", withBinary))
        .hasMessageContaining("Column 'payload' has type Binary");
    assertThat(eval("big LIKE 'x%'", withBinary, row(1, null, "x"))).isEqualTo("T");
    Schema twoCases = schema(integer("a"), integer("A"));
    assertThat(compileError("\"A\" > 0 AND b > 0", twoCases)).hasMessageContaining("'b'");
  }

  @Test
  void compilesTheDeleteConditionOfAParsedLoad() throws Exception {
    SqlLoad load =
        (SqlLoad)
            TidewaterSqlParser.parseStatement(
                "LOAD src INTO ns.t\n"
                    + "WITH DISPOSITION MERGE ON (id)\n"
                    + "DELETE WHEN op = 'd' OR deleted_at IS NOT NULL");
    Schema schema = schema(bigint("id"), varchar("op"), timestamp("deleted_at"));
    CompiledPredicate predicate = PredicateCompiler.compile(load.deleteWhen, schema);
    assertThat(predicate.text()).isEqualTo("\"op\" = 'd' OR \"deleted_at\" IS NOT NULL");
    try (VectorSchemaRoot root =
        batch(
            allocator,
            schema,
            row(1L, "u", null),
            row(2L, "d", null),
            row(3L, null, LocalDateTime.of(2024, 1, 1, 0, 0)),
            row(4L, null, null))) {
      PredicateResult result = new PredicateResult();
      predicate.evaluate(root, result);
      assertThat(outcomes(result)).isEqualTo("FTT?");
      assertThat(result.countTrue()).isEqualTo(2);
      assertThat(result.countFalse()).isEqualTo(1);
      assertThat(result.countUnknown()).isEqualTo(1);
      assertThat(result.nextTrue(0)).isEqualTo(1);
      assertThat(result.nextTrue(2)).isEqualTo(2);
      assertThat(result.nextTrue(3)).isEqualTo(-1);
      assertThat(result.nextFalse(1)).isEqualTo(-1);
    }
    SqlLoad typo =
        (SqlLoad)
            TidewaterSqlParser.parseStatement(
                "LOAD src INTO ns.t\nWITH DISPOSITION MERGE ON (id)\nDELETE WHEN opp = 'd'");
    assertThatThrownBy(() -> PredicateCompiler.compile(typo.deleteWhen, schema))
        .isInstanceOfSatisfying(
            TidewaterException.class,
            e -> assertThat(e.position()).contains(new SqlPosition(3, 13)));
    assertThat(load.deleteWhen.toString()).contains("op"); // the statement's tree is untouched
  }
}
