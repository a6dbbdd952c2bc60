package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.Comparison.Operator;
import dev.tidewater.planner.expr.Comparison.Text;
import dev.tidewater.planner.expr.Comparison.TextColumn;
import dev.tidewater.planner.expr.Comparison.TextLiteral;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

/**
 * Turns a typed boolean {@link RexNode} into vectorized nodes where it knows how, and hands every
 * other boolean sub-expression to {@link RowFallback} as a whole. Each {@code try...} method
 * answers null for "not vectorized"; the caller then falls back one boolean level up.
 */
final class VectorCompiler {
  private static final Pattern INPUT_REF = Pattern.compile("\\$(\\d+)");

  /** How a SQL type's values are held in vectorized nodes. */
  private enum Family {
    /** Integers and decimals: longs at the type's scale. */
    EXACT,
    /** DOUBLE, FLOAT, REAL: doubles. */
    APPROXIMATE,
    /** Days since the epoch. */
    DATE,
    /** Microseconds since the epoch. */
    TIMESTAMP,
    /** UTF-8 bytes. */
    TEXT,
    BOOLEAN,
    OTHER
  }

  private final ExpressionTyper.Typed typed;
  private final String text;
  private final List<Field> fields;
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
      return family(ref.getType()) == Family.BOOLEAN
          ? new BoolExpr.Column(ref.getIndex(), name(ref))
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
    if (family(operand.getType()) == Family.BOOLEAN) {
      return new BoolExpr.Is(
          bool(operand), negated ? BoolExpr.Test.IS_NOT_NULL : BoolExpr.Test.IS_NULL);
    }
    if (operand instanceof RexInputRef ref) {
      int column = ref.getIndex();
      return new BoolExpr.IsNull(validity(name(ref), batch -> batch.validity(column)), negated);
    }
    LongExpr exact = tryLong(operand);
    if (exact != null) {
      return new BoolExpr.IsNull(
          validity(exact.toString(), batch -> exact.evaluate(batch).valid()), negated);
    }
    DoubleExpr approximate =
        family(operand.getType()) == Family.APPROXIMATE ? tryDouble(operand) : null;
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
    Family a = family(left.getType());
    Family b = family(right.getType());
    if (a == Family.BOOLEAN && b == Family.BOOLEAN) {
      return operator == Operator.EQUALS || operator == Operator.NOT_EQUALS
          ? new Comparison.Booleans(bool(left), operator == Operator.NOT_EQUALS, bool(right))
          : null;
    }
    if (a == Family.TEXT && b == Family.TEXT) {
      Text x = tryText(left);
      Text y = tryText(right);
      return x instanceof TextColumn column && y != null
          ? new Comparison.Strings(column, operator, y)
          : null;
    }
    boolean numeric = isNumeric(a) && isNumeric(b);
    if (numeric && (a == Family.APPROXIMATE || b == Family.APPROXIMATE)) {
      DoubleExpr x = tryDouble(left);
      DoubleExpr y = tryDouble(right);
      return x != null && y != null ? new Comparison.Doubles(x, operator, y) : null;
    }
    if (numeric || (a == b && (a == Family.DATE || a == Family.TIMESTAMP))) {
      int scale = Math.max(scale(left.getType()), scale(right.getType()));
      LongExpr x = tryLong(left, scale);
      LongExpr y = tryLong(right, scale);
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
    Family family = family(subject.getType());
    boolean listHasNull = false;
    List<RexLiteral> nonNull = new ArrayList<>();
    for (RexLiteral value : values) {
      if (value.isNull()) {
        listHasNull = true;
      } else if (family(value.getType()) != family
          && !(isNumeric(family) && family(value.getType()) == Family.EXACT)) {
        return null;
      } else {
        nonNull.add(value);
      }
    }
    switch (family) {
      case TEXT -> {
        if (!(tryText(subject) instanceof TextColumn column)) {
          return null;
        }
        List<byte[]> bytes = nonNull.stream().map(VectorCompiler::utf8).toList();
        return new InList.Strings(column, bytes, listHasNull);
      }
      case APPROXIMATE -> {
        DoubleExpr operand = tryDouble(subject);
        if (operand == null) {
          return null;
        }
        double[] doubles = nonNull.stream().mapToDouble(v -> v.getValueAs(Double.class)).toArray();
        return new InList.Doubles(operand, doubles, listHasNull);
      }
      case EXACT, DATE, TIMESTAMP -> {
        int scale = scale(subject.getType());
        LongExpr operand = tryLong(subject, scale);
        if (operand == null) {
          return null;
        }
        List<Long> longs = new ArrayList<>();
        for (RexLiteral value : nonNull) {
          if (family(value.getType()) != family) {
            return null;
          }
          Long converted = constant(value, scale);
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
    if (!(tryText(operands.get(0)) instanceof TextColumn column)
        || !(operands.get(1) instanceof RexLiteral pattern)
        || (operands.size() > 2 && !(operands.get(2) instanceof RexLiteral))) {
      return null;
    }
    String escape = operands.size() > 2 ? string((RexLiteral) operands.get(2)) : null;
    if (pattern.isNull() || (operands.size() > 2 && escape == null)) {
      return new BoolExpr.Constant(null);
    }
    try {
      return Like.compile(column, string(pattern), escape);
    } catch (IllegalArgumentException e) {
      throw userError.apply(e.getMessage());
    }
  }

  /** A long at {@code scale} (for exact numbers; dates and timestamps have scale 0). */
  private LongExpr tryLong(RexNode node, int scale) {
    int own = scale(node.getType());
    if (node instanceof RexLiteral literal) {
      Long value = literal.isNull() ? null : constant(literal, scale);
      return value == null ? null : new LongExpr.Constant(value);
    }
    LongExpr expr = tryLong(node);
    if (expr == null || own == scale) {
      return expr;
    }
    return own > scale
        ? null
        : new LongExpr.Rescale(expr, BigInteger.TEN.pow(scale - own).longValueExact());
  }

  /** A long at the node's own scale. */
  private LongExpr tryLong(RexNode node) {
    Family family = family(node.getType());
    if (family != Family.EXACT && family != Family.DATE && family != Family.TIMESTAMP) {
      return null;
    }
    if (node instanceof RexLiteral literal) {
      return tryLong(literal, scale(literal.getType()));
    }
    if (node instanceof RexInputRef ref) {
      ArrowType.ArrowTypeID id = fields.get(ref.getIndex()).getType().getTypeID();
      boolean readable =
          switch (family) {
            case EXACT -> id == ArrowType.ArrowTypeID.Int || id == ArrowType.ArrowTypeID.Decimal;
            case DATE -> id == ArrowType.ArrowTypeID.Date;
            default -> id == ArrowType.ArrowTypeID.Timestamp;
          };
      return readable ? new LongExpr.Column(ref.getIndex(), name(ref)) : null;
    }
    if (!(node instanceof RexCall call)) {
      return null;
    }
    List<RexNode> operands = call.getOperands();
    RelDataType type = node.getType();
    switch (call.getKind()) {
      case CAST -> {
        RexNode operand = operands.get(0);
        RelDataType from = operand.getType();
        if (family(from) != family) {
          return null;
        }
        if (family == Family.EXACT) {
          boolean widening =
              scale(type) >= scale(from) && integerDigits(type) >= integerDigits(from);
          return widening ? tryLong(operand, scale(type)) : null;
        }
        return from.getSqlTypeName() == type.getSqlTypeName() ? tryLong(operand) : null;
      }
      case PLUS, MINUS, TIMES, DIVIDE -> {
        RexNode left = operands.get(0);
        RexNode right = operands.get(1);
        if (family != Family.EXACT
            || family(left.getType()) != Family.EXACT
            || family(right.getType()) != Family.EXACT) {
          return null;
        }
        int scale = scale(type);
        int leftScale = scale(left.getType());
        int rightScale = scale(right.getType());
        LongExpr.Operator operator = LongExpr.Operator.valueOf(call.getKind().name());
        LongExpr x;
        LongExpr y;
        switch (operator) {
          case PLUS, MINUS -> {
            x = tryLong(left, scale);
            y = tryLong(right, scale);
          }
          case TIMES -> {
            if (leftScale + rightScale != scale) {
              return null;
            }
            x = tryLong(left);
            y = tryLong(right);
          }
          default -> {
            if (leftScale != 0 || rightScale != 0 || scale != 0) {
              return null; // decimal division rounds: Calcite's code does it
            }
            x = tryLong(left);
            y = tryLong(right);
          }
        }
        return x != null && y != null ? new LongExpr.Arithmetic(operator, x, y) : null;
      }
      case MINUS_PREFIX -> {
        LongExpr operand = tryLong(operands.get(0), scale(type));
        return operand == null ? null : new LongExpr.Negate(operand);
      }
      case PLUS_PREFIX -> {
        return tryLong(operands.get(0), scale(type));
      }
      default -> {
        return null;
      }
    }
  }

  private DoubleExpr tryDouble(RexNode node) {
    RelDataType type = node.getType();
    Family family = family(type);
    if (family == Family.EXACT) {
      LongExpr exact = tryLong(node);
      return exact == null ? null : new DoubleExpr.FromLong(exact, scale(type));
    }
    if (family != Family.APPROXIMATE) {
      return null;
    }
    if (node instanceof RexLiteral literal) {
      return literal.isNull() ? null : new DoubleExpr.Constant(literal.getValueAs(Double.class));
    }
    if (node instanceof RexInputRef ref) {
      return fields.get(ref.getIndex()).getType().getTypeID() == ArrowType.ArrowTypeID.FloatingPoint
          ? new DoubleExpr.Column(ref.getIndex(), name(ref))
          : null;
    }
    if (!(node instanceof RexCall call)) {
      return null;
    }
    List<RexNode> operands = call.getOperands();
    boolean real = type.getSqlTypeName() == SqlTypeName.REAL;
    DoubleExpr result;
    switch (call.getKind()) {
      case CAST -> {
        RexNode operand = operands.get(0);
        if (!isNumeric(family(operand.getType()))) {
          return null;
        }
        result = tryDouble(operand);
      }
      case PLUS, MINUS, TIMES, DIVIDE -> {
        DoubleExpr x = tryDouble(operands.get(0));
        DoubleExpr y = tryDouble(operands.get(1));
        result =
            x == null || y == null
                ? null
                : new DoubleExpr.Arithmetic(LongExpr.Operator.valueOf(call.getKind().name()), x, y);
      }
      case MINUS_PREFIX -> {
        DoubleExpr x = tryDouble(operands.get(0));
        result = x == null ? null : new DoubleExpr.Negate(x);
      }
      case PLUS_PREFIX -> result = tryDouble(operands.get(0));
      default -> result = null;
    }
    return result != null && real ? new DoubleExpr.ToFloat(result) : result;
  }

  private Text tryText(RexNode node) {
    if (node instanceof RexLiteral literal) {
      return literal.isNull() ? null : new TextLiteral(utf8(literal));
    }
    if (node instanceof RexInputRef ref) {
      return fields.get(ref.getIndex()).getType().getTypeID() == ArrowType.ArrowTypeID.Utf8
          ? new TextColumn(ref.getIndex(), name(ref))
          : null;
    }
    if (node instanceof RexCall call
        && call.getKind() == SqlKind.CAST
        && node.getType().getSqlTypeName() == SqlTypeName.VARCHAR
        && call.getOperands().get(0).getType().getSqlTypeName() == SqlTypeName.VARCHAR
        && node.getType().getPrecision() >= call.getOperands().get(0).getType().getPrecision()) {
      return tryText(call.getOperands().get(0));
    }
    return null;
  }

  /** A literal as a long at {@code scale}; null if it has more digits than the scale keeps. */
  private static Long constant(RexLiteral literal, int scale) {
    return switch (family(literal.getType())) {
      case EXACT -> {
        try {
          yield literal
              .getValueAs(BigDecimal.class)
              .setScale(scale)
              .unscaledValue()
              .longValueExact();
        } catch (ArithmeticException e) {
          yield null;
        }
      }
      case DATE -> (long) literal.getValueAs(DateString.class).getDaysSinceEpoch();
      case TIMESTAMP -> micros(literal.getValueAs(TimestampString.class));
      default -> null;
    };
  }

  /** Microseconds since the epoch; TimestampString's milliseconds drop the finer digits. */
  private static long micros(TimestampString timestamp) {
    String text = timestamp.toString();
    int dot = text.indexOf('.');
    long micros = 0;
    if (dot >= 0) {
      String fraction = (text.substring(dot + 1) + "000000").substring(0, 6);
      micros = Long.parseLong(fraction.substring(3));
    }
    return timestamp.getMillisSinceEpoch() * 1000 + micros;
  }

  private static byte[] utf8(RexLiteral literal) {
    return string(literal).getBytes(StandardCharsets.UTF_8);
  }

  private static String string(RexLiteral literal) {
    Object value = literal.getValue();
    if (value instanceof NlsString nls) {
      return nls.getValue();
    }
    return literal.getValueAs(String.class);
  }

  private static boolean isNullLiteral(RexNode node) {
    return node instanceof RexLiteral literal && literal.isNull();
  }

  private static boolean isNumeric(Family family) {
    return family == Family.EXACT || family == Family.APPROXIMATE;
  }

  private static Family family(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL -> Family.EXACT;
      case DOUBLE, FLOAT, REAL -> Family.APPROXIMATE;
      case DATE -> Family.DATE;
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> Family.TIMESTAMP;
      case CHAR, VARCHAR -> Family.TEXT;
      case BOOLEAN -> Family.BOOLEAN;
      default -> Family.OTHER;
    };
  }

  private static int scale(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DECIMAL ? type.getScale() : 0;
  }

  private static int integerDigits(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case TINYINT -> 3;
      case SMALLINT -> 5;
      case INTEGER -> 10;
      case BIGINT -> 19;
      default -> type.getPrecision() - type.getScale();
    };
  }

  private String name(RexInputRef ref) {
    return fields.get(ref.getIndex()).getName();
  }
}
