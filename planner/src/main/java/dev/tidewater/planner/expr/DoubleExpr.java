package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.DoubleValues;
import dev.tidewater.planner.expr.EvalBatch.LongValues;

/** A vectorized expression whose values are doubles (SQL DOUBLE, FLOAT and REAL). */
interface DoubleExpr {
  DoubleValues evaluate(EvalBatch batch);

  /** A column of the batch. */
  record Column(int column, String name) implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      return batch.doubles(column);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A non-null literal. */
  record Constant(double value) implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      double[] values = new double[batch.rows()];
      java.util.Arrays.fill(values, value);
      return new DoubleValues(values, Bits.all(batch.rows()));
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  /** An exact number (a long at a scale) as a double. */
  record FromLong(LongExpr input, int scale) implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      LongValues in = input.evaluate(batch);
      double[] out = new double[batch.rows()];
      long[] x = in.values();
      if (scale == 0) {
        for (int i = 0; i < out.length; i++) {
          out[i] = x[i];
        }
      } else {
        double divisor = Math.pow(10, scale);
        for (int i = 0; i < out.length; i++) {
          out[i] = x[i] / divisor;
        }
      }
      return new DoubleValues(out, in.valid());
    }

    @Override
    public String toString() {
      return "double(" + input + (scale == 0 ? "" : ", scale " + scale) + ")";
    }
  }

  /** Rounds to float precision, as SQL REAL does. */
  record ToFloat(DoubleExpr input) implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      DoubleValues in = input.evaluate(batch);
      double[] out = new double[batch.rows()];
      double[] x = in.values();
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) x[i];
      }
      return new DoubleValues(out, in.valid());
    }

    @Override
    public String toString() {
      return "real(" + input + ")";
    }
  }

  /** IEEE arithmetic, as Calcite's generated code does it. */
  record Arithmetic(LongExpr.Operator operator, DoubleExpr left, DoubleExpr right)
      implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      DoubleValues a = left.evaluate(batch);
      DoubleValues b = right.evaluate(batch);
      double[] x = a.values();
      double[] y = b.values();
      double[] out = new double[batch.rows()];
      switch (operator) {
        case PLUS -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = x[i] + y[i];
          }
        }
        case MINUS -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = x[i] - y[i];
          }
        }
        case TIMES -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * y[i];
          }
        }
        case DIVIDE -> {
          for (int i = 0; i < out.length; i++) {
            out[i] = x[i] / y[i];
          }
        }
      }
      return new DoubleValues(out, Bits.and(a.valid(), b.valid()));
    }

    @Override
    public String toString() {
      return "(" + left + " " + operator.symbol + " " + right + ")";
    }
  }

  /** Unary minus. */
  record Negate(DoubleExpr input) implements DoubleExpr {
    @Override
    public DoubleValues evaluate(EvalBatch batch) {
      DoubleValues in = input.evaluate(batch);
      double[] out = new double[batch.rows()];
      double[] x = in.values();
      for (int i = 0; i < out.length; i++) {
        out[i] = -x[i];
      }
      return new DoubleValues(out, in.valid());
    }

    @Override
    public String toString() {
      return "-" + input;
    }
  }
}
