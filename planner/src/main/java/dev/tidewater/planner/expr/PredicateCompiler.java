package dev.tidewater.planner.expr;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.util.function.Function;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Compiles SQL boolean expressions ({@code DELETE WHEN} conditions, contract {@code CHECK}s) into
 * predicates over Arrow batches. Calcite validates and types the expression against the schema's
 * columns (names match case-insensitively); comparisons, IN lists, LIKE, IS [NOT] NULL, AND / OR /
 * NOT and integer and floating-point arithmetic then run vectorized over whole columns, and any
 * other boolean sub-expression (CASE, functions, regular expressions, casts) runs row by row
 * through code Calcite generates.
 */
public final class PredicateCompiler {
  private PredicateCompiler() {}

  /**
   * Compiles an expression parsed as part of a statement; errors point into that statement.
   *
   * @throws TidewaterException of kind USER, with the offending node's position, for an unknown
   *     column, a type error or an expression that is not boolean
   */
  public static CompiledPredicate compile(SqlNode expression, Schema schema) {
    return compile(expression, schema, TidewaterSqlParser.toSql(expression), Mode.VECTORIZED);
  }

  /** Parses and compiles an expression; positions are within {@code expressionText}. */
  public static CompiledPredicate compile(String expressionText, Schema schema) {
    return compile(parse(expressionText), schema, expressionText.strip(), Mode.VECTORIZED);
  }

  /**
   * Compiles a condition that Calcite has already typed (a query's filter): its input references
   * index {@code schema}'s fields, whose vectors a batch holds by name. Empty when part of it would
   * have to run row by row, so that the caller can keep Calcite's own evaluation.
   */
  public static java.util.Optional<CompiledPredicate> compileVectorized(
      org.apache.calcite.rex.RexNode condition,
      org.apache.calcite.rel.type.RelDataType rowType,
      org.apache.calcite.rex.RexBuilder rexBuilder,
      Schema schema) {
    ExpressionTyper.Typed typed = new ExpressionTyper.Typed(condition, rowType, rexBuilder);
    String text = condition.toString();
    VectorCompiler compiler =
        new VectorCompiler(
            typed, text, schema.getFields(), message -> new IllegalStateException(message), false);
    try {
      BoolExpr root = compiler.compile();
      return java.util.Optional.of(
          new VectorizedPredicate(
              text,
              schema.getFields(),
              root,
              () -> {
                throw new UnsupportedOperationException("needs row-by-row evaluation: " + text);
              }));
    } catch (VectorCompiler.NotVectorized | IllegalStateException e) {
      return java.util.Optional.empty();
    }
  }

  /** How to evaluate: the normal mix, or everything row by row (to test one against the other). */
  enum Mode {
    VECTORIZED,
    ROW_BY_ROW
  }

  static VectorizedPredicate compile(String expressionText, Schema schema, Mode mode) {
    return compile(parse(expressionText), schema, expressionText.strip(), mode);
  }

  private static VectorizedPredicate compile(
      SqlNode expression, Schema schema, String text, Mode mode) {
    ExpressionTyper.Typed typed = ExpressionTyper.type(expression, schema);
    Function<String, RuntimeException> userError =
        message -> ExpressionTyper.userError(expression, "%s", message);
    VectorCompiler compiler = new VectorCompiler(typed, text, schema.getFields(), userError);
    BoolExpr root = mode == Mode.VECTORIZED ? compiler.compile() : compiler.rowByRow();
    return new VectorizedPredicate(text, schema.getFields(), root, compiler::rowByRow);
  }

  private static SqlNode parse(String expressionText) {
    try {
      return SqlParser.create(expressionText, TidewaterSqlParser.config()).parseExpression();
    } catch (SqlParseException e) {
      throw new TidewaterException(
          ErrorKind.USER,
          new SqlPosition(e.getPos().getLineNum(), e.getPos().getColumnNum()),
          "Invalid expression: " + e.getMessage().lines().findFirst().orElse(""),
          null);
    }
  }
}
