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
import org.apache.arrow.vector.VarCharVector;
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
            case LONG -> new SumLong(column, filter, kind == SqlKind.SUM0, resultType, false);
            case DECIMAL -> new SumLong(column, filter, kind == SqlKind.SUM0, resultType, true);
            case DOUBLE -> new SumDouble(column, filter, kind == SqlKind.SUM0, resultType);
            default -> null;
          };
      case AVG ->
          switch (family) {
            case LONG -> new AvgLong(column, filter, resultType);
            case DOUBLE -> new AvgDouble(column, filter, resultType);
            default -> null;
          };
      case MIN, MAX -> {
        boolean max = kind == SqlKind.MAX;
        yield switch (family) {
          case LONG, DATE, TIMESTAMP, DECIMAL, BOOLEAN ->
              new MinMaxLong(column, filter, max, family, resultType, argument);
          case DOUBLE -> new MinMaxDouble(column, filter, max, resultType);
          case STRING -> new MinMaxString(column, filter, max);
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
  private static long longValue(FieldVector vector, int row) {
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

  private static long checkedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      throw new OutOfRange();
    }
    return sum;
  }

  private static double doubleValue(FieldVector vector, int row) {
    return vector instanceof Float8Vector doubles
        ? doubles.get(row)
        : ((Float4Vector) vector).get(row);
  }

  /** A result of an exact type from a long. */
  private static Object exact(long value, SqlTypeName type, int scale) {
    return switch (type) {
      case TINYINT -> (byte) value;
      case SMALLINT -> (short) value;
      case INTEGER -> (int) value;
      case BIGINT -> value;
      case DECIMAL -> BigDecimal.valueOf(value, scale);
      default -> throw new IllegalStateException("not an exact type: " + type);
    };
  }

  private static Object approximate(double value, SqlTypeName type) {
    return type == SqlTypeName.REAL || type == SqlTypeName.FLOAT ? (Object) (float) value : value;
  }

  private static int scale(FieldVector vector) {
    return vector instanceof DecimalVector decimal ? decimal.getScale() : 0;
  }

  private static final class Count extends Accumulator {
    private long[] counts = new long[16];

    Count(int column, PredicateResult filter) {
      super(column, filter);
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
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

  /** SUM of integers or of decimals' unscaled values (one scale per column), exactly. */
  private static final class SumLong extends Accumulator {
    private final boolean zeroWhenEmpty;
    private final SqlTypeName resultType;
    private final boolean decimal;
    private long[] sums = new long[16];
    private boolean[] seen = new boolean[16];
    private int scale;

    SumLong(
        int column,
        PredicateResult filter,
        boolean zeroWhenEmpty,
        SqlTypeName resultType,
        boolean decimal) {
      super(column, filter);
      this.zeroWhenEmpty = zeroWhenEmpty;
      this.resultType = resultType;
      this.decimal = decimal;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      scale = scale(vector);
      boolean checked = decimal || resultType == SqlTypeName.DECIMAL;
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        long value = longValue(vector, row);
        // Calcite adds integers in their own type (wrapping), decimals exactly
        sums[group] = checked ? checkedAdd(sums[group], value) : sums[group] + value;
        seen[group] = true;
      }
    }

    @Override
    void grow(int groups) {
      if (groups > sums.length) {
        int size = Math.max(groups, sums.length * 2);
        sums = Arrays.copyOf(sums, size);
        seen = Arrays.copyOf(seen, size);
      }
    }

    @Override
    Object result(int group) {
      if (!seen[group] && !zeroWhenEmpty) {
        return null;
      }
      return exact(sums[group], resultType, scale);
    }
  }

  private static final class SumDouble extends Accumulator {
    private final boolean zeroWhenEmpty;
    private final SqlTypeName resultType;
    private double[] sums = new double[16];
    private boolean[] seen = new boolean[16];

    SumDouble(int column, PredicateResult filter, boolean zeroWhenEmpty, SqlTypeName resultType) {
      super(column, filter);
      this.zeroWhenEmpty = zeroWhenEmpty;
      this.resultType = resultType;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      boolean single = vector instanceof Float4Vector;
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        double value = doubleValue(vector, row);
        // a REAL sum adds floats, as Calcite's generated code does
        sums[group] = single ? (float) sums[group] + (float) value : sums[group] + value;
        seen[group] = true;
      }
    }

    @Override
    void grow(int groups) {
      if (groups > sums.length) {
        int size = Math.max(groups, sums.length * 2);
        sums = Arrays.copyOf(sums, size);
        seen = Arrays.copyOf(seen, size);
      }
    }

    @Override
    Object result(int group) {
      if (!seen[group] && !zeroWhenEmpty) {
        return null;
      }
      return approximate(sums[group], resultType);
    }
  }

  /** AVG of integers: the sum divided by the count as integers (Calcite's reduction of AVG). */
  private static final class AvgLong extends Accumulator {
    private final SqlTypeName resultType;
    private long[] sums = new long[16];
    private long[] counts = new long[16];

    AvgLong(int column, PredicateResult filter, SqlTypeName resultType) {
      super(column, filter);
      this.resultType = resultType;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        sums[group] = checkedAdd(sums[group], longValue(vector, row));
        counts[group]++;
      }
    }

    @Override
    void grow(int groups) {
      if (groups > sums.length) {
        int size = Math.max(groups, sums.length * 2);
        sums = Arrays.copyOf(sums, size);
        counts = Arrays.copyOf(counts, size);
      }
    }

    @Override
    Object result(int group) {
      return counts[group] == 0 ? null : exact(sums[group] / counts[group], resultType, 0);
    }
  }

  private static final class AvgDouble extends Accumulator {
    private final SqlTypeName resultType;
    private double[] sums = new double[16];
    private long[] counts = new long[16];

    AvgDouble(int column, PredicateResult filter, SqlTypeName resultType) {
      super(column, filter);
      this.resultType = resultType;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        sums[group] += doubleValue(vector, row);
        counts[group]++;
      }
    }

    @Override
    void grow(int groups) {
      if (groups > sums.length) {
        int size = Math.max(groups, sums.length * 2);
        sums = Arrays.copyOf(sums, size);
        counts = Arrays.copyOf(counts, size);
      }
    }

    @Override
    Object result(int group) {
      return counts[group] == 0 ? null : approximate(sums[group] / counts[group], resultType);
    }
  }

  private static final class MinMaxLong extends Accumulator {
    private final boolean max;
    private final Family family;
    private final SqlTypeName resultType;
    private final int scale;
    private long[] values = new long[16];
    private boolean[] seen = new boolean[16];

    MinMaxLong(
        int column,
        PredicateResult filter,
        boolean max,
        Family family,
        SqlTypeName resultType,
        ArrowType argument) {
      super(column, filter);
      this.max = max;
      this.family = family;
      this.resultType = resultType;
      this.scale = argument instanceof ArrowType.Decimal decimal ? decimal.getScale() : 0;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        long value = longValue(vector, row);
        if (!seen[group] || (max ? value > values[group] : value < values[group])) {
          values[group] = value;
          seen[group] = true;
        }
      }
    }

    @Override
    void grow(int groups) {
      if (groups > values.length) {
        int size = Math.max(groups, values.length * 2);
        values = Arrays.copyOf(values, size);
        seen = Arrays.copyOf(seen, size);
      }
    }

    @Override
    Object result(int group) {
      if (!seen[group]) {
        return null;
      }
      long value = values[group];
      return switch (family) {
        case DATE -> (int) value;
        case TIMESTAMP -> value;
        case BOOLEAN -> value != 0;
        default -> exact(value, resultType, scale);
      };
    }
  }

  private static final class MinMaxDouble extends Accumulator {
    private final boolean max;
    private final SqlTypeName resultType;
    private double[] values = new double[16];
    private boolean[] seen = new boolean[16];

    MinMaxDouble(int column, PredicateResult filter, boolean max, SqlTypeName resultType) {
      super(column, filter);
      this.max = max;
      this.resultType = resultType;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        double value = doubleValue(vector, row);
        if (!seen[group]
            || (max
                ? Double.compare(value, values[group]) > 0
                : Double.compare(value, values[group]) < 0)) {
          values[group] = value;
          seen[group] = true;
        }
      }
    }

    @Override
    void grow(int groups) {
      if (groups > values.length) {
        int size = Math.max(groups, values.length * 2);
        values = Arrays.copyOf(values, size);
        seen = Arrays.copyOf(seen, size);
      }
    }

    @Override
    Object result(int group) {
      return seen[group] ? approximate(values[group], resultType) : null;
    }
  }

  /** MIN and MAX of strings compare as Java strings do, as Calcite's do. */
  private static final class MinMaxString extends Accumulator {
    private final boolean max;
    private String[] values = new String[16];

    MinMaxString(int column, PredicateResult filter, boolean max) {
      super(column, filter);
      this.max = max;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      VarCharVector strings = (VarCharVector) vector;
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || strings.isNull(row)) {
          continue;
        }
        int group = groups[i];
        String value = new String(strings.get(row), java.nio.charset.StandardCharsets.UTF_8);
        String current = values[group];
        if (current == null
            || (max ? value.compareTo(current) > 0 : value.compareTo(current) < 0)) {
          values[group] = value;
        }
      }
    }

    @Override
    void grow(int groups) {
      if (groups > values.length) {
        values = Arrays.copyOf(values, Math.max(groups, values.length * 2));
      }
    }

    @Override
    Object result(int group) {
      return values[group];
    }
  }
}
