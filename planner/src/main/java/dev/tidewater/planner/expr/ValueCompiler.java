package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.Comparison.Text;
import dev.tidewater.planner.expr.Comparison.TextColumn;
import dev.tidewater.planner.expr.Comparison.TextLiteral;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

/**
 * Turns the operands of comparisons (exact numbers, dates and timestamps as longs; approximate
 * numbers as doubles; text) into vectorized value nodes over the columns {@code fields}. Each
 * {@code try...} method answers null for "not vectorized".
 */
final class ValueCompiler {
  private final List<Field> fields;

  ValueCompiler(List<Field> fields) {
    this.fields = fields;
  }

  /** A long at {@code scale} (for exact numbers; dates and timestamps have scale 0). */
  LongExpr tryLong(RexNode node, int scale) {
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
  LongExpr tryLong(RexNode node) {
    TypeFamily family = TypeFamily.of(node.getType());
    if (family != TypeFamily.EXACT && family != TypeFamily.DATE && family != TypeFamily.TIMESTAMP) {
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
        if (TypeFamily.of(from) != family) {
          return null;
        }
        if (family == TypeFamily.EXACT) {
          boolean widening =
              scale(type) >= scale(from) && integerDigits(type) >= integerDigits(from);
          return widening ? tryLong(operand, scale(type)) : null;
        }
        return from.getSqlTypeName() == type.getSqlTypeName() ? tryLong(operand) : null;
      }
      case PLUS, MINUS, TIMES, DIVIDE -> {
        RexNode left = operands.get(0);
        RexNode right = operands.get(1);
        if (family != TypeFamily.EXACT
            || TypeFamily.of(left.getType()) != TypeFamily.EXACT
            || TypeFamily.of(right.getType()) != TypeFamily.EXACT) {
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

  /** A double, or null when the node is not vectorized. */
  DoubleExpr tryDouble(RexNode node) {
    RelDataType type = node.getType();
    TypeFamily family = TypeFamily.of(type);
    if (family == TypeFamily.EXACT) {
      LongExpr exact = tryLong(node);
      return exact == null ? null : new DoubleExpr.FromLong(exact, scale(type));
    }
    if (family != TypeFamily.APPROXIMATE) {
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
        if (!TypeFamily.of(operand.getType()).isNumeric()) {
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

  /** A text column or literal, or null when the node is not vectorized. */
  Text tryText(RexNode node) {
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
  static Long constant(RexLiteral literal, int scale) {
    return switch (TypeFamily.of(literal.getType())) {
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

  static byte[] utf8(RexLiteral literal) {
    return string(literal).getBytes(StandardCharsets.UTF_8);
  }

  static String string(RexLiteral literal) {
    Object value = literal.getValue();
    if (value instanceof NlsString nls) {
      return nls.getValue();
    }
    return literal.getValueAs(String.class);
  }

  /** The scale a value of the type is held at: a decimal's, else 0. */
  static int scale(RelDataType type) {
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

  /** The name of a referenced column. */
  String name(RexInputRef ref) {
    return fields.get(ref.getIndex()).getName();
  }
}
