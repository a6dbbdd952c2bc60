package dev.tidewater.planner.query;

import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.planner.query.Accumulators.Accumulator;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.calcite.sql.type.SqlTypeName;

/** The accumulators of SUM, $SUM0 and AVG, over exact and approximate numbers. */
final class SumAccumulators {
  private SumAccumulators() {}

  /** SUM of integers or of decimals' unscaled values (one scale per column), exactly. */
  static final class SumLong extends Accumulator {
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
      scale = Accumulators.scale(vector);
      boolean checked = decimal || resultType == SqlTypeName.DECIMAL;
      if (vector instanceof DecimalVector decimals && dense(vector)) {
        addDecimals(decimals, rows, groups, count);
        return;
      }
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        long value = Accumulators.longValue(vector, row);
        // Calcite adds integers in their own type (wrapping), decimals exactly
        sums[group] = checked ? Accumulators.checkedAdd(sums[group], value) : sums[group] + value;
        seen[group] = true;
      }
    }

    /** Decimals without nulls or FILTER: unscaled values read straight from the buffer. */
    private void addDecimals(DecimalVector vector, int[] rows, int[] groups, int count) {
      ArrowBuf data = vector.getDataBuffer();
      for (int i = 0; i < count; i++) {
        long at = (long) rows[i] * DecimalVector.TYPE_WIDTH;
        long low = data.getLong(at);
        if (data.getLong(at + 8) != (low >> 63)) {
          throw new Accumulators.OutOfRange();
        }
        int group = groups[i];
        sums[group] = Accumulators.checkedAdd(sums[group], low);
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
      return Accumulators.exact(sums[group], resultType, scale);
    }
  }

  static final class SumDouble extends Accumulator {
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
      if (vector instanceof Float8Vector doubles && dense(vector)) {
        ArrowBuf data = doubles.getDataBuffer();
        for (int i = 0; i < count; i++) {
          int group = groups[i];
          sums[group] += data.getDouble((long) rows[i] * Float8Vector.TYPE_WIDTH);
          seen[group] = true;
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        double value = Accumulators.doubleValue(vector, row);
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
      return Accumulators.approximate(sums[group], resultType);
    }
  }

  /** AVG of integers: the sum divided by the count as integers (Calcite's reduction of AVG). */
  static final class AvgLong extends Accumulator {
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
        sums[group] = Accumulators.checkedAdd(sums[group], Accumulators.longValue(vector, row));
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
      return counts[group] == 0
          ? null
          : Accumulators.exact(sums[group] / counts[group], resultType, 0);
    }
  }

  static final class AvgDouble extends Accumulator {
    private final SqlTypeName resultType;
    private double[] sums = new double[16];
    private long[] counts = new long[16];

    AvgDouble(int column, PredicateResult filter, SqlTypeName resultType) {
      super(column, filter);
      this.resultType = resultType;
    }

    @Override
    void add(FieldVector vector, int[] rows, int[] groups, int count) {
      if (vector instanceof Float8Vector doubles && dense(vector)) {
        ArrowBuf data = doubles.getDataBuffer();
        for (int i = 0; i < count; i++) {
          int group = groups[i];
          sums[group] += data.getDouble((long) rows[i] * Float8Vector.TYPE_WIDTH);
          counts[group]++;
        }
        return;
      }
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        if (skip(row) || vector.isNull(row)) {
          continue;
        }
        int group = groups[i];
        sums[group] += Accumulators.doubleValue(vector, row);
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
      return counts[group] == 0
          ? null
          : Accumulators.approximate(sums[group] / counts[group], resultType);
    }
  }
}
