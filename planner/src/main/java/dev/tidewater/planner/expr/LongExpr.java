package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.LongValues;
import dev.tidewater.planner.expr.EvalBatch.RowEvaluationNeeded;

/**
 * A vectorized expression whose values are longs: exact numbers as unscaled values at the scale of
 * their SQL type, dates as days and timestamps as microseconds since the epoch.
 */
interface LongExpr {
  LongValues evaluate(EvalBatch batch);

  /** A column of the batch. */
  record Column(int column, String name) implements LongExpr {
    @Override
    public LongValues evaluate(EvalBatch batch) {
      return batch.longs(column);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A non-null literal. */
  record Constant(long value) implements LongExpr {
    @Override
    public LongValues evaluate(EvalBatch batch) {
      long[] values = new long[batch.rows()];
      java.util.Arrays.fill(values, value);
      return new LongValues(values, Bits.all(batch.rows()));
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  /** Multiplies by a power of ten to move to a larger scale. */
  record Rescale(LongExpr input, long factor) implements LongExpr {
    @Override
    public LongValues evaluate(EvalBatch batch) {
      LongValues in = input.evaluate(batch);
      long[] values = new long[batch.rows()];
      long[] source = in.values();
      long[] valid = in.valid();
      for (int i = 0; i < values.length; i++) {
        long high = Math.multiplyHigh(source[i], factor);
        long low = source[i] * factor;
        if (high != (low >> 63) && Bits.get(valid, i)) {
          throw RowEvaluationNeeded.INSTANCE;
        }
        values[i] = low;
      }
      return new LongValues(values, valid);
    }

    @Override
    public String toString() {
      return input + "*" + factor;
    }
  }

  /** The arithmetic operators on longs. */
  enum Operator {
    PLUS("+"),
    MINUS("-"),
    TIMES("*"),
    DIVIDE("/");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  /**
   * Exact arithmetic; an overflow or a division by zero sends the batch row by row, where Calcite's
   * own semantics (an error, or none where a CASE guards the row) apply.
   */
  record Arithmetic(Operator operator, LongExpr left, LongExpr right) implements LongExpr {
    @Override
    public LongValues evaluate(EvalBatch batch) {
      LongValues a = left.evaluate(batch);
      LongValues b = right.evaluate(batch);
      long[] valid = Bits.and(a.valid(), b.valid());
      long[] x = a.values();
      long[] y = b.values();
      long[] out = new long[batch.rows()];
      boolean failed = false;
      switch (operator) {
        case PLUS -> {
          for (int i = 0; i < out.length; i++) {
            long r = x[i] + y[i];
            failed |= ((x[i] ^ r) & (y[i] ^ r)) < 0 && Bits.get(valid, i);
            out[i] = r;
          }
        }
        case MINUS -> {
          for (int i = 0; i < out.length; i++) {
            long r = x[i] - y[i];
            failed |= ((x[i] ^ y[i]) & (x[i] ^ r)) < 0 && Bits.get(valid, i);
            out[i] = r;
          }
        }
        case TIMES -> {
          for (int i = 0; i < out.length; i++) {
            long high = Math.multiplyHigh(x[i], y[i]);
            long r = x[i] * y[i];
            failed |= high != (r >> 63) && Bits.get(valid, i);
            out[i] = r;
          }
        }
        case DIVIDE -> {
          for (int i = 0; i < out.length; i++) {
            if (y[i] == 0 || (y[i] == -1 && x[i] == Long.MIN_VALUE)) {
              failed |= Bits.get(valid, i);
            } else {
              out[i] = x[i] / y[i]; // SQL integer division truncates toward zero, as Java does
            }
          }
        }
      }
      if (failed) {
        throw RowEvaluationNeeded.INSTANCE;
      }
      return new LongValues(out, valid);
    }

    @Override
    public String toString() {
      return "(" + left + " " + operator.symbol + " " + right + ")";
    }
  }

  /** Unary minus. */
  record Negate(LongExpr input) implements LongExpr {
    @Override
    public LongValues evaluate(EvalBatch batch) {
      LongValues in = input.evaluate(batch);
      long[] out = new long[batch.rows()];
      long[] x = in.values();
      for (int i = 0; i < out.length; i++) {
        if (x[i] == Long.MIN_VALUE && Bits.get(in.valid(), i)) {
          throw RowEvaluationNeeded.INSTANCE;
        }
        out[i] = -x[i];
      }
      return new LongValues(out, in.valid());
    }

    @Override
    public String toString() {
      return "-" + input;
    }
  }
}
