package dev.tidewater.planner.query;

import dev.tidewater.planner.expr.PredicateResult;
import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Per-group states of COUNT, SUM, $SUM0, AVG, MIN and MAX over Arrow vectors, with the results in
 * Calcite's representation and semantics: SUM of no values is NULL, AVG of integers divides as
 * integers, MIN and MAX of timestamps compare milliseconds.
 */
final class Accumulators {
  private Accumulators() {}

  /** Raised when a value leaves what the accumulator holds exactly: Calcite's plan runs instead. */
  static final class OutOfRange extends RuntimeException {
    OutOfRange() {
      super("value out of the vectorized range", null, false, false);
    }
  }

  /** One aggregate call's state for every group. */
  abstract static class Accumulator {
    /** The call's argument column in the batch, or -1 for COUNT(*). */
    final int column;

    /** The call's FILTER predicate, or null. */
    final PredicateResult filter;

    Accumulator(int column, PredicateResult filter) {
      this.column = column;
      this.filter = filter;
    }

    /** Adds {@code count} rows (indexes {@code rows}) of the batch to their {@code groups}. */
    final void add(FieldVector[] vectors, int[] rows, int[] groups, int count, int groupCount) {
      grow(groupCount);
      add(column < 0 ? null : vectors[column], rows, groups, count);
    }

    abstract void add(FieldVector vector, int[] rows, int[] groups, int count);

    abstract void grow(int groups);

    /** The result for a group. */
    abstract Object result(int group);

    final boolean skip(int row) {
      return filter != null && !filter.isTrue(row);
    }

    /** Whether every row counts: no FILTER and no null in the batch (the loops then check none). */
    final boolean dense(FieldVector vector) {
      return filter == null && (vector == null || vector.getNullCount() == 0);
    }
  }

  /**
   * The accumulator for a call of {@code kind} over a column of {@code argument} type (null for
   * COUNT(*)) whose result is {@code resultType}; null when the combination is not vectorized.
   */
  static Accumulator create(
      SqlKind kind,
      ArrowType argument,
      SqlTypeName resultType,
      int column,
      PredicateResult filter) {
    if (kind == SqlKind.COUNT) {
      return new Count(column, filter);
    }
    Family family = family(argument);
    if (family == null) {
      return null;
    }
    return switch (kind) {
      case SUM, SUM0 ->
          switch (family) {
            case LONG ->
                new SumAccumulators.SumLong(
                    column, filter, kind == SqlKind.SUM0, resultType, false);
            case DECIMAL ->
                new SumAccumulators.SumLong(column, filter, kind == SqlKind.SUM0, resultType, true);
            case DOUBLE ->
                new SumAccumulators.SumDouble(column, filter, kind == SqlKind.SUM0, resultType);
            default -> null;
          };
      case AVG ->
          switch (family) {
            case LONG -> new SumAccumulators.AvgLong(column, filter, resultType);
            case DOUBLE -> new SumAccumulators.AvgDouble(column, filter, resultType);
            default -> null;
          };
      case MIN, MAX -> {
        boolean max = kind == SqlKind.MAX;
        yield switch (family) {
          case LONG, DATE, TIMESTAMP, DECIMAL, BOOLEAN ->
              new MinMaxAccumulators.MinMaxLong(column, filter, max, family, resultType, argument);
          case DOUBLE -> new MinMaxAccumulators.MinMaxDouble(column, filter, max, resultType);
          case STRING -> new MinMaxAccumulators.MinMaxString(column, filter, max);
        };
      }
      default -> null;
    };
  }

  /** How a column's values are read for aggregation. */
  enum Family {
    LONG,
    DECIMAL,
    DOUBLE,
    DATE,
    TIMESTAMP,
    BOOLEAN,
    STRING
  }

  static Family family(ArrowType type) {
    if (type == null) {
      return null;
    }
    return switch (type.getTypeID()) {
      case Int -> Family.LONG;
      case FloatingPoint -> Family.DOUBLE;
      case Decimal -> ((ArrowType.Decimal) type).getBitWidth() == 128 ? Family.DECIMAL : null;
      case Date -> Family.DATE;
      case Timestamp -> Family.TIMESTAMP;
      case Bool -> Family.BOOLEAN;
      case Utf8 -> Family.STRING;
      default -> null;
    };
  }

  /** A value as a long: integers, days, milliseconds, a decimal's unscaled value, 0 or 1. */
  static long longValue(FieldVector vector, int row) {
    if (vector instanceof BaseIntVector integer) {
      return integer.getValueAsLong(row);
    }
    if (vector instanceof DateDayVector days) {
      return days.get(row);
    }
    if (vector instanceof TimeStampVector stamp) {
      long value = stamp.get(row);
      return switch (((ArrowType.Timestamp) stamp.getField().getType()).getUnit()) {
        case SECOND -> value * 1_000;
        case MILLISECOND -> value;
        case MICROSECOND -> Math.floorDiv(value, 1_000L);
        case NANOSECOND -> Math.floorDiv(value, 1_000_000L);
      };
    }
    if (vector instanceof DecimalVector decimal) {
      long low = decimal.getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH);
      long high = decimal.getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH + 8);
      if (high != (low >> 63)) {
        throw new OutOfRange();
      }
      return low;
    }
    if (vector instanceof BitVector bits) {
      return bits.get(row);
    }
    throw new IllegalStateException("not a long-valued vector: " + vector.getField());
  }

  static long checkedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      throw new OutOfRange();
    }
    return sum;
  }

  static double doubleValue(FieldVector vector, int row) {
    return vector instanceof Float8Vector doubles
        ? doubles.get(row)
        : ((Float4Vector) vector).get(row);
  }

  /** A result of an exact type from a long. */
  static Object exact(long value, SqlTypeName type, int scale) {
    return switch (type) {
      case TINYINT -> (byte) value;
      case SMALLINT -> (short) value;
      case INTEGER -> (int) value;
      case BIGINT -> value;
      case DECIMAL -> BigDecimal.valueOf(value, scale);
      default -> throw new IllegalStateException("not an exact type: " + type);
    };
  }

  static Object approximate(double value, SqlTypeName type) {
    return type == SqlTypeName.REAL || type == SqlTypeName.FLOAT ? (Object) (float) value : value;
  }

  static int scale(FieldVector vector) {
    return vector instanceof DecimalVector decimal ? decimal.getScale() : 0;
  }

  private static final class Count extends Accumulator {
    private long[] counts = new long[16];

    Count(int column, PredicateResult filter) {
      super(column, filter);
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      if (dense(vector)) {
        for (int i = 0; i < count; i++) {
          counts[groups[i]]++;
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (!skip(row) && (vector == null || !vector.isNull(row))) {
          counts[groups[i]]++;
        }
      }
    }

    @Override
    void grow(int groups) {
      if (groups > counts.length) {
        counts = Arrays.copyOf(counts, Math.max(groups, counts.length * 2));
      }
    }

    @Override
    Object result(int group) {
      return counts[group];
    }
  }
}
