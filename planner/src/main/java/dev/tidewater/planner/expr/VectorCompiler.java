package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.Comparison.Operator;
import dev.tidewater.planner.expr.Comparison.Text;
import dev.tidewater.planner.expr.Comparison.TextColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLikeOperator;

/**
 * Turns a typed boolean {@link RexNode} into vectorized nodes where it knows how, and hands every
 * other boolean sub-expression to {@link RowFallback} as a whole. Each {@code try...} method
 * answers null for "not vectorized"; the caller then falls back one boolean level up.
 */
final class VectorCompiler {
  private static final Pattern INPUT_REF = Pattern.compile("\\$(\\d+)");

  private final ExpressionTyper.Typed typed;
  private final String text;
  private final List<Field> fields;
  private final ValueCompiler valueCompiler;
  private final Function<String, RuntimeException> userError;
  private final boolean rowFallbacks;

  VectorCompiler(
      ExpressionTyper.Typed typed,
      String text,
      List<Field> fields,
      Function<String, RuntimeException> userError) {
    this(typed, text, fields, userError, true);
  }

  /** With {@code rowFallbacks} false, a sub-expression that is not vectorized fails the compile. */
  VectorCompiler(
      ExpressionTyper.Typed typed,
      String text,
      List<Field> fields,
      Function<String, RuntimeException> userError,
      boolean rowFallbacks) {
    this.typed = typed;
    this.text = text;
    this.fields = fields;
    this.valueCompiler = new ValueCompiler(fields);
    this.userError = userError;
    this.rowFallbacks = rowFallbacks;
  }

  /** Raised when only vectorized nodes are wanted and a sub-expression has none. */
  static final class NotVectorized extends RuntimeException {
    NotVectorized(String expression) {
      super("not vectorized: " + expression, null, false, false);
    }
  }

  /** The expression vectorized where possible. */
  BoolExpr compile() {
    return bool(typed.rex());
  }

  /** The whole expression, row by row. */
  BoolExpr rowByRow() {
    return fallback(typed.rex());
  }

  /** Calcite's text of a node with column names for {@code $i}. */
  String describe(RexNode node) {
    Matcher matcher = INPUT_REF.matcher(node.toString());
    return matcher.replaceAll(
        match -> Matcher.quoteReplacement(fields.get(Integer.parseInt(match.group(1))).getName()));
  }

  private BoolExpr bool(RexNode node) {
    BoolExpr vectorized = tryBool(node);
    return vectorized != null ? vectorized : fallback(node);
  }

  private BoolExpr fallback(RexNode node) {
    if (!rowFallbacks) {
      throw new NotVectorized(describe(node));
    }
    try {
      return new RowFallback(node, typed.rowType(), typed.rexBuilder(), describe(node), text);
    } catch (RuntimeException e) {
      throw userError.apply(
          "Cannot compile " + describe(node) + ": " + String.valueOf(e.getMessage()));
    }
  }

  private BoolExpr tryBool(RexNode node) {
    if (node instanceof RexLiteral literal) {
      return new BoolExpr.Constant(literal.getValueAs(Boolean.class));
    }
    if (node instanceof RexInputRef ref) {
      return TypeFamily.of(ref.getType()) == TypeFamily.BOOLEAN
          ? new BoolExpr.Column(ref.getIndex(), valueCompiler.name(ref))
          : null;
    }
    if (!(node instanceof RexCall call)) {
      return null;
    }
    List<RexNode> operands = call.getOperands();
    return switch (call.getKind()) {
      case AND -> new BoolExpr.And(operands.stream().map(this::bool).toList());
      case OR -> {
        BoolExpr in = tryInList(operands);
        yield in != null ? in : new BoolExpr.Or(operands.stream().map(this::bool).toList());
      }
      case NOT -> new BoolExpr.Not(bool(operands.get(0)));
      case IS_TRUE -> new BoolExpr.Is(bool(operands.get(0)), BoolExpr.Test.IS_TRUE);
      case IS_NOT_TRUE -> new BoolExpr.Is(bool(operands.get(0)), BoolExpr.Test.IS_NOT_TRUE);
      case IS_FALSE -> new BoolExpr.Is(bool(operands.get(0)), BoolExpr.Test.IS_FALSE);
      case IS_NOT_FALSE -> new BoolExpr.Is(bool(operands.get(0)), BoolExpr.Test.IS_NOT_FALSE);
      case IS_NULL, IS_UNKNOWN -> tryIsNull(operands.get(0), false);
      case IS_NOT_NULL -> tryIsNull(operands.get(0), true);
      case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          tryComparison(Operator.of(call.getKind()), operands.get(0), operands.get(1));
      case SEARCH -> bool(RexUtil.expandSearch(typed.rexBuilder(), null, call));
      case LIKE -> tryLike(call);
      default -> null;
    };
  }

  private BoolExpr tryIsNull(RexNode operand, boolean negated) {
    if (TypeFamily.of(operand.getType()) == TypeFamily.BOOLEAN) {
      return new BoolExpr.Is(
          bool(operand), negated ? BoolExpr.Test.IS_NOT_NULL : BoolExpr.Test.IS_NULL);
    }
    if (operand instanceof RexInputRef ref) {
      int column = ref.getIndex();
      return new BoolExpr.IsNull(
          validity(valueCompiler.name(ref), batch -> batch.validity(column)), negated);
    }
    LongExpr exact = valueCompiler.tryLong(operand);
    if (exact != null) {
      return new BoolExpr.IsNull(
          validity(exact.toString(), batch -> exact.evaluate(batch).valid()), negated);
    }
    DoubleExpr approximate =
        TypeFamily.of(operand.getType()) == TypeFamily.APPROXIMATE
            ? valueCompiler.tryDouble(operand)
            : null;
    if (approximate != null) {
      return new BoolExpr.IsNull(
          validity(approximate.toString(), batch -> approximate.evaluate(batch).valid()), negated);
    }
    return null;
  }

  private static BoolExpr.ValidityExpr validity(String text, Function<EvalBatch, long[]> validity) {
    return new BoolExpr.ValidityExpr() {
      @Override
      public long[] validity(EvalBatch batch) {
        return validity.apply(batch);
      }

      @Override
      public String toString() {
        return text;
      }
    };
  }

  private BoolExpr tryComparison(Operator operator, RexNode left, RexNode right) {
    if (isNullLiteral(left) || isNullLiteral(right)) {
      return new BoolExpr.Constant(null);
    }
    if (left instanceof RexLiteral && !(right instanceof RexLiteral)) {
      return tryComparison(operator.reverse(), right, left);
    }
    TypeFamily a = TypeFamily.of(left.getType());
    TypeFamily b = TypeFamily.of(right.getType());
    if (a == TypeFamily.BOOLEAN && b == TypeFamily.BOOLEAN) {
      return operator == Operator.EQUALS || operator == Operator.NOT_EQUALS
          ? new Comparison.Booleans(bool(left), operator == Operator.NOT_EQUALS, bool(right))
          : null;
    }
    if (a == TypeFamily.TEXT && b == TypeFamily.TEXT) {
      Text x = valueCompiler.tryText(left);
      Text y = valueCompiler.tryText(right);
      return x instanceof TextColumn column && y != null
          ? new Comparison.Strings(column, operator, y)
          : null;
    }
    boolean numeric = a.isNumeric() && b.isNumeric();
    if (numeric && (a == TypeFamily.APPROXIMATE || b == TypeFamily.APPROXIMATE)) {
      DoubleExpr x = valueCompiler.tryDouble(left);
      DoubleExpr y = valueCompiler.tryDouble(right);
      return x != null && y != null ? new Comparison.Doubles(x, operator, y) : null;
    }
    if (numeric || (a == b && (a == TypeFamily.DATE || a == TypeFamily.TIMESTAMP))) {
      int scale =
          Math.max(ValueCompiler.scale(left.getType()), ValueCompiler.scale(right.getType()));
      LongExpr x = valueCompiler.tryLong(left, scale);
      LongExpr y = valueCompiler.tryLong(right, scale);
      return x != null && y != null ? new Comparison.Longs(x, operator, y) : null;
    }
    return null;
  }

  /** {@code x = v1 OR x = v2 OR ...} with literals v: the shape of {@code x IN (v1, v2, ...)}. */
  private BoolExpr tryInList(List<RexNode> disjuncts) {
    RexNode subject = null;
    List<RexLiteral> values = new ArrayList<>();
    for (RexNode disjunct : disjuncts) {
      if (!(disjunct instanceof RexCall call) || call.getKind() != SqlKind.EQUALS) {
        return null;
      }
      RexNode x = call.getOperands().get(0);
      RexNode y = call.getOperands().get(1);
      if (x instanceof RexLiteral && !(y instanceof RexLiteral)) {
        RexNode swap = x;
        x = y;
        y = swap;
      }
      if (!(y instanceof RexLiteral literal) || x instanceof RexLiteral) {
        return null;
      }
      if (subject == null) {
        subject = x;
      } else if (!subject.equals(x)) {
        return null;
      }
      values.add(literal);
    }
    TypeFamily family = TypeFamily.of(subject.getType());
    boolean listHasNull = false;
    List<RexLiteral> nonNull = new ArrayList<>();
    for (RexLiteral value : values) {
      if (value.isNull()) {
        listHasNull = true;
      } else if (TypeFamily.of(value.getType()) != family
          && !(family.isNumeric() && TypeFamily.of(value.getType()) == TypeFamily.EXACT)) {
        return null;
      } else {
        nonNull.add(value);
      }
    }
    switch (family) {
      case TEXT -> {
        if (!(valueCompiler.tryText(subject) instanceof TextColumn column)) {
          return null;
        }
        List<byte[]> bytes = nonNull.stream().map(ValueCompiler::utf8).toList();
        return new InList.Strings(column, bytes, listHasNull);
      }
      case APPROXIMATE -> {
        DoubleExpr operand = valueCompiler.tryDouble(subject);
        if (operand == null) {
          return null;
        }
        double[] doubles = nonNull.stream().mapToDouble(v -> v.getValueAs(Double.class)).toArray();
        return new InList.Doubles(operand, doubles, listHasNull);
      }
      case EXACT, DATE, TIMESTAMP -> {
        int scale = ValueCompiler.scale(subject.getType());
        LongExpr operand = valueCompiler.tryLong(subject, scale);
        if (operand == null) {
          return null;
        }
        List<Long> longs = new ArrayList<>();
        for (RexLiteral value : nonNull) {
          if (TypeFamily.of(value.getType()) != family) {
            return null;
          }
          Long converted = ValueCompiler.constant(value, scale);
          if (converted != null) { // else no row can equal it: it has more digits than the scale
            longs.add(converted);
          }
        }
        return new InList.Longs(
            operand, longs.stream().mapToLong(Long::longValue).toArray(), listHasNull);
      }
      default -> {
        return null;
      }
    }
  }

  private BoolExpr tryLike(RexCall call) {
    if (!(call.getOperator() instanceof SqlLikeOperator like)
        || !"LIKE".equals(like.getName())
        || like.isNegated()) {
      return null;
    }
    List<RexNode> operands = call.getOperands();
    if (!(valueCompiler.tryText(operands.get(0)) instanceof TextColumn column)
        || !(operands.get(1) instanceof RexLiteral pattern)
        || (operands.size() > 2 && !(operands.get(2) instanceof RexLiteral))) {
      return null;
    }
    String escape = operands.size() > 2 ? ValueCompiler.string((RexLiteral) operands.get(2)) : null;
    if (pattern.isNull() || (operands.size() > 2 && escape == null)) {
      return new BoolExpr.Constant(null);
    }
    try {
      return Like.compile(column, ValueCompiler.string(pattern), escape);
    } catch (IllegalArgumentException e) {
      throw userError.apply(e.getMessage());
    }
  }

  private static boolean isNullLiteral(RexNode node) {
    return node instanceof RexLiteral literal && literal.isNull();
  }
}
