package dev.tidewater.planner.query;

import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.planner.query.Accumulators.Accumulator;
import dev.tidewater.planner.query.Accumulators.Family;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.calcite.sql.type.SqlTypeName;

/** The accumulators of MIN and MAX, over values read as longs, doubles or strings. */
final class MinMaxAccumulators {
  private MinMaxAccumulators() {}

  static final class MinMaxLong extends Accumulator {
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
        long value = Accumulators.longValue(vector, row);
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
        default -> Accumulators.exact(value, resultType, scale);
      };
    }
  }

  static final class MinMaxDouble extends Accumulator {
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
        double value = Accumulators.doubleValue(vector, row);
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
      return seen[group] ? Accumulators.approximate(values[group], resultType) : null;
    }
  }

  /** MIN and MAX of strings compare as Java strings do, as Calcite's do. */
  static final class MinMaxString extends Accumulator {
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
