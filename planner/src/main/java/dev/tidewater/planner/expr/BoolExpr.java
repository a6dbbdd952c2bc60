package dev.tidewater.planner.expr;

import java.util.List;

/**
 * A vectorized boolean expression in SQL's three-valued logic. It writes, for the batch's rows,
 * words {@code [0, batch.words())} of two bit sets: the rows where it is TRUE and the rows where it
 * is FALSE; a row in neither is UNKNOWN. Bits past the last row stay clear.
 */
interface BoolExpr {
  void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits);

  /** TRUE, FALSE or UNKNOWN for every row. */
  record Constant(Boolean value) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      long[] all = Bits.all(batch.rows());
      int words = batch.words();
      for (int i = 0; i < words; i++) {
        trueBits[i] = Boolean.TRUE.equals(value) ? all[i] : 0;
        falseBits[i] = Boolean.FALSE.equals(value) ? all[i] : 0;
      }
    }

    @Override
    public String toString() {
      return value == null ? "UNKNOWN" : value.toString().toUpperCase(java.util.Locale.ROOT);
    }
  }

  /** A BOOLEAN column. */
  record Column(int column, String name) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      batch.booleans(column, trueBits, falseBits);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** TRUE if all are TRUE, FALSE if any is FALSE, else UNKNOWN. */
  record And(List<BoolExpr> operands) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      int words = batch.words();
      operands.get(0).evaluate(batch, trueBits, falseBits);
      long[] t = new long[words];
      long[] f = new long[words];
      for (BoolExpr operand : operands.subList(1, operands.size())) {
        operand.evaluate(batch, t, f);
        for (int i = 0; i < words; i++) {
          trueBits[i] &= t[i];
          falseBits[i] |= f[i];
        }
      }
    }

    @Override
    public String toString() {
      return join(operands, " AND ");
    }
  }

  /** TRUE if any is TRUE, FALSE if all are FALSE, else UNKNOWN. */
  record Or(List<BoolExpr> operands) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      int words = batch.words();
      operands.get(0).evaluate(batch, trueBits, falseBits);
      long[] t = new long[words];
      long[] f = new long[words];
      for (BoolExpr operand : operands.subList(1, operands.size())) {
        operand.evaluate(batch, t, f);
        for (int i = 0; i < words; i++) {
          trueBits[i] |= t[i];
          falseBits[i] &= f[i];
        }
      }
    }

    @Override
    public String toString() {
      return join(operands, " OR ");
    }
  }

  /** NOT: swaps TRUE and FALSE, keeps UNKNOWN. */
  record Not(BoolExpr operand) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      operand.evaluate(batch, falseBits, trueBits);
    }

    @Override
    public String toString() {
      return "NOT " + operand;
    }
  }

  /** The IS tests of a boolean: never UNKNOWN. */
  enum Test {
    IS_TRUE,
    IS_NOT_TRUE,
    IS_FALSE,
    IS_NOT_FALSE,
    IS_NULL,
    IS_NOT_NULL
  }

  /** {@code operand IS [NOT] TRUE | FALSE | NULL}. */
  record Is(BoolExpr operand, Test test) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      int words = batch.words();
      long[] t = new long[words];
      long[] f = new long[words];
      operand.evaluate(batch, t, f);
      long[] all = Bits.all(batch.rows());
      for (int i = 0; i < words; i++) {
        long yes =
            switch (test) {
              case IS_TRUE -> t[i];
              case IS_NOT_TRUE -> ~t[i];
              case IS_FALSE -> f[i];
              case IS_NOT_FALSE -> ~f[i];
              case IS_NULL -> ~(t[i] | f[i]);
              case IS_NOT_NULL -> t[i] | f[i];
            };
        trueBits[i] = yes & all[i];
        falseBits[i] = ~yes & all[i];
      }
    }

    @Override
    public String toString() {
      return "(" + operand + ") " + test.name().replace('_', ' ');
    }
  }

  /** {@code value IS [NOT] NULL} of a non-boolean value, from its validity bits. */
  record IsNull(ValidityExpr operand, boolean negated) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      long[] valid = operand.validity(batch);
      long[] all = Bits.all(batch.rows());
      for (int i = 0; i < valid.length; i++) {
        long isNull = ~valid[i] & all[i];
        trueBits[i] = negated ? valid[i] : isNull;
        falseBits[i] = negated ? isNull : valid[i];
      }
    }

    @Override
    public String toString() {
      return operand + (negated ? " IS NOT NULL" : " IS NULL");
    }
  }

  /** Something whose nulls are known without evaluating a boolean. */
  interface ValidityExpr {
    long[] validity(EvalBatch batch);
  }

  private static String join(List<BoolExpr> operands, String separator) {
    StringBuilder text = new StringBuilder("(");
    for (int i = 0; i < operands.size(); i++) {
      text.append(i == 0 ? "" : separator).append(operands.get(i));
    }
    return text.append(')').toString();
  }
}
