package dev.tidewater.planner.expr;

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

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vectorized nodes against Calcite's generated row-by-row code over 20,000 rows of random
 * values (one in eight NULL): the two must agree on every row. (Calcite's LIKE costs microseconds a
 * row, hence not more rows.)
 */
class VectorizedAgreementTest {
  private static final int ROWS = 20_000;
  private static final String[] WORDS = {
    "new", "paid", "void", "", "a@b.com", "no-at", "ab", "é", "x%y", "a_b", "a\nb", "😀", "NEW"
  };
  private static final Schema SCHEMA =
      schema(
          bigint("big"),
          integer("num"),
          smallint("small"),
          tinyint("tiny"),
          float8("dbl"),
          float4("flt"),
          decimal("amount", 12, 2),
          decimal("wide", 38, 4),
          varchar("status"),
          varchar("email"),
          bool("flag"),
          bool("other"),
          date("dt"),
          timestamp("ts"),
          timestampTz("tstz"));

  private static BufferAllocator allocator;
  private static VectorSchemaRoot batch;

  @BeforeAll
  static void createBatch() {
    allocator = new RootAllocator();
    Random random = new Random(42);
    Object[][] rows = new Object[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      rows[i] =
          new Object[] {
            (long) random.nextInt(21) - 10,
            random.nextInt(7) - 3,
            random.nextInt(5),
            random.nextInt(5) - 2,
            (random.nextInt(41) - 20) / 4.0,
            (random.nextInt(9) - 4) / 2.0f,
            BigDecimal.valueOf(random.nextInt(2001) - 1000, 2),
            BigDecimal.valueOf(random.nextLong() % 1_000_000_000L, 4),
            WORDS[random.nextInt(WORDS.length)],
            WORDS[random.nextInt(WORDS.length)],
            random.nextBoolean(),
            random.nextBoolean(),
            LocalDate.of(2024, 1, 1).plusDays(random.nextInt(20) - 10),
            LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(random.nextInt(7200) - 3600),
            LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(random.nextInt(7200) - 3600)
          };
      for (int c = 0; c < rows[i].length; c++) {
        if (random.nextInt(8) == 0) {
          rows[i][c] = null;
        }
      }
    }
    batch = TestBatches.batch(allocator, SCHEMA, rows);
  }

  @AfterAll
  static void close() {
    batch.close();
    allocator.close();
  }

  private static final List<String> VECTORIZED =
      List.of(
          "big > 0",
          "big >= num",
          "num <> small",
          "tiny < -1 OR tiny IS NULL",
          "small <= 2 AND flag",
          "dbl = 1.5",
          "dbl < flt",
          "flt >= 0.5",
          "amount >= 0",
          "amount < -2.5",
          "amount > big",
          "amount = dbl",
          "wide > 0",
          "wide * 2 > wide + 1",
          "big + num * 3 - small > 2",
          "num / 2 = 1",
          "-big > tiny",
          "dbl * 2 + amount > 1",
          "amount * 3 > amount + 10",
          "status = 'new'",
          "status <> 'paid'",
          "status > 'n'",
          "status >= email",
          "status IN ('new', 'paid', 'void')",
          "status NOT IN ('new', 'paid', 'void')",
          "status IN ('new', NULL)",
          "status NOT IN ('new', NULL)",
          "big IN (1, 2, 3)",
          "big NOT IN (1, 2, NULL)",
          "amount IN (1.5, 2, -3.25)",
          "dbl IN (0.5, -1.5)",
          "email LIKE '%@%'",
          "email LIKE 'a%'",
          "email LIKE '%b'",
          "email LIKE 'a_b'",
          "email LIKE '_'",
          "email LIKE '%!%%' ESCAPE '!'",
          "email NOT LIKE '%o%'",
          "status LIKE 'n_w' OR email LIKE '%.com'",
          "flag = other",
          "flag <> other",
          "flag IS DISTINCT FROM other",
          "(flag AND other) IS NULL",
          "NOT (flag OR other) IS TRUE",
          "flag IS NOT FALSE AND other IS NOT TRUE",
          "big IS NULL OR status IS NOT NULL",
          "big IS DISTINCT FROM num",
          "status IS NOT DISTINCT FROM email",
          "big BETWEEN -2 AND 2",
          "amount NOT BETWEEN -1 AND 1",
          "dt > DATE '2024-01-01'",
          "dt BETWEEN DATE '2023-12-25' AND DATE '2024-01-05'",
          "dt IN (DATE '2024-01-01', DATE '2024-01-02')",
          "ts >= TIMESTAMP '2024-01-01 00:00:00'",
          "ts < tstz",
          "tstz <> TIMESTAMP WITH LOCAL TIME ZONE '2024-01-01 00:30:00'",
          "status IS NOT NULL AND big > 0 AND amount >= 0 AND status IN ('new', 'paid', 'void')"
              + " AND email LIKE '%@%'");

  private static final List<String> ROW_BY_ROW =
      List.of(
          "UPPER(status) = 'NEW'",
          "CHAR_LENGTH(email) > 3",
          "CASE WHEN big > 0 THEN flag ELSE status = 'new' END",
          "COALESCE(big, 0) + 1 > 0",
          "status SIMILAR TO '(new|paid)'",
          "amount / 3 > 1",
          "EXTRACT(DAY FROM dt) = 1",
          "TRIM(email) = email AND big > 0");

  @Test
  void vectorizedNodesAgreeWithCalcite() {
    for (String expression : VECTORIZED) {
      VectorizedPredicate vectorized = compile(expression, PredicateCompiler.Mode.VECTORIZED);
      assertThat(vectorized.plan()).as(expression).doesNotContain("row-by-row");
      assertAgree(expression, vectorized);
    }
  }

  @Test
  void fallbacksAgreeWithCalcite() {
    for (String expression : ROW_BY_ROW) {
      VectorizedPredicate vectorized = compile(expression, PredicateCompiler.Mode.VECTORIZED);
      assertThat(vectorized.plan()).as(expression).contains("row-by-row");
      assertAgree(expression, vectorized);
    }
  }

  @Test
  void resultsAreReusedAcrossBatchesOfOtherSizesAndVectors() {
    Schema schema = schema(bigint("big"), varchar("status"));
    CompiledPredicate predicate = PredicateCompiler.compile("big > 0 AND status = 'new'", schema);
    PredicateResult result = new PredicateResult();
    Random random = new Random(7);
    Object[][] rows = new Object[100_000][];
    int expectedTrue = 0;
    int expectedFalse = 0;
    for (int i = 0; i < rows.length; i++) {
      Long big = random.nextInt(10) == 0 ? null : (long) random.nextInt(11) - 5;
      String status = random.nextInt(10) == 0 ? null : WORDS[random.nextInt(3)];
      rows[i] = new Object[] {big, status};
      boolean falseBig = big != null && big <= 0;
      boolean falseStatus = status != null && !status.equals("new");
      if (falseBig || falseStatus) {
        expectedFalse++;
      } else if (big != null && status != null) {
        expectedTrue++;
      }
    }
    try (VectorSchemaRoot large = TestBatches.batch(allocator, schema, rows)) {
      predicate.evaluate(large, result);
      assertThat(result.rowCount()).isEqualTo(100_000);
      assertThat(result.countTrue()).isEqualTo(expectedTrue).isPositive();
      assertThat(result.countFalse()).isEqualTo(expectedFalse);
      assertThat(result.countUnknown()).isEqualTo(100_000 - expectedTrue - expectedFalse);
      int first = result.nextTrue(0);
      assertThat(rows[first][1]).isEqualTo("new");
      assertThat((Long) rows[first][0]).isPositive();
    }
    Object[][] three = {{5L, "new"}, {null, "new"}, {-1L, "new"}};
    try (VectorSchemaRoot small = TestBatches.batch(allocator, schema, three)) {
      predicate.evaluate(small, result);
      assertThat(outcomes(result)).isEqualTo("T?F");
      assertThat(result.countTrue()).isEqualTo(1);
      assertThat(result.countUnknown()).isEqualTo(1);
      assertThat(result.nextTrue(1)).isEqualTo(-1);
    }
    try (VectorSchemaRoot empty = TestBatches.batch(allocator, schema)) {
      predicate.evaluate(empty, result);
      assertThat(result.rowCount()).isZero();
      assertThat(result.countTrue()).isZero();
      assertThat(result.nextTrue(0)).isEqualTo(-1);
    }
  }

  @Test
  void aBatchWithoutTheColumnIsAnInternalError() {
    CompiledPredicate predicate = PredicateCompiler.compile("big > 0", SCHEMA);
    Schema other = schema(integer("num"));
    try (VectorSchemaRoot root = TestBatches.batch(allocator, other, new Object[] {1})) {
      assertThatThrownBy(() -> predicate.evaluate(root, new PredicateResult()))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
          .hasMessageContaining("'big'");
    }
  }

  private static VectorizedPredicate compile(String expression, PredicateCompiler.Mode mode) {
    return PredicateCompiler.compile(expression, SCHEMA, mode);
  }

  private static void assertAgree(String expression, VectorizedPredicate vectorized) {
    PredicateResult fast = new PredicateResult();
    vectorized.evaluate(batch, fast);
    PredicateResult exact = new PredicateResult();
    compile(expression, PredicateCompiler.Mode.ROW_BY_ROW).evaluate(batch, exact);
    assertThat(outcomes(fast)).as(expression).isEqualTo(outcomes(exact));
    assertThat(fast.countTrue() + fast.countFalse() + fast.countUnknown()).isEqualTo(ROWS);
  }
}
