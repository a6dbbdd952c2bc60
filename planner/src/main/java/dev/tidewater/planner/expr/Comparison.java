package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.DoubleValues;
import dev.tidewater.planner.expr.EvalBatch.LongValues;
import dev.tidewater.planner.expr.EvalBatch.StringValues;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.calcite.sql.SqlKind;

/** Vectorized comparisons: NULL if either side is NULL, else TRUE or FALSE. */
final class Comparison {
  private Comparison() {}

  /** A comparison operator as the set of outcomes (less, equal, greater, unordered) it accepts. */
  enum Operator {
    EQUALS("=", 0b0010),
    NOT_EQUALS("<>", 0b1101),
    LESS_THAN("<", 0b0001),
    LESS_THAN_OR_EQUAL("<=", 0b0011),
    GREATER_THAN(">", 0b0100),
    GREATER_THAN_OR_EQUAL(">=", 0b0110);

    final String symbol;
    final int mask;

    Operator(String symbol, int mask) {
      this.symbol = symbol;
      this.mask = mask;
    }

    static Operator of(SqlKind kind) {
      return switch (kind) {
        case EQUALS -> EQUALS;
        case NOT_EQUALS -> NOT_EQUALS;
        case LESS_THAN -> LESS_THAN;
        case LESS_THAN_OR_EQUAL -> LESS_THAN_OR_EQUAL;
        case GREATER_THAN -> GREATER_THAN;
        case GREATER_THAN_OR_EQUAL -> GREATER_THAN_OR_EQUAL;
        default -> null;
      };
    }

    /** The operator with its operands swapped: {@code a < b} is {@code b > a}. */
    Operator reverse() {
      return switch (this) {
        case LESS_THAN -> GREATER_THAN;
        case LESS_THAN_OR_EQUAL -> GREATER_THAN_OR_EQUAL;
        case GREATER_THAN -> LESS_THAN;
        case GREATER_THAN_OR_EQUAL -> LESS_THAN_OR_EQUAL;
        default -> this;
      };
    }

    /** Whether a comparison outcome (-1, 0, 1 as from {@code compare}) passes. */
    boolean accepts(int sign) {
      return ((mask >>> (Integer.signum(sign) + 1)) & 1) != 0;
    }
  }

  /** Writes TRUE / FALSE from comparison bits, UNKNOWN where a side is NULL. */
  private static void finish(long bits, long valid, int word, long[] trueBits, long[] falseBits) {
    trueBits[word] = bits & valid;
    falseBits[word] = ~bits & valid;
  }

  /** Two exact numbers at the same scale, or two dates, or two timestamps. */
  record Longs(LongExpr left, Operator operator, LongExpr right) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      LongValues a = left.evaluate(batch);
      long[] x = a.values();
      int rows = batch.rows();
      // x < k, x > k and x = k; the other three are their complements.
      boolean negate =
          operator == Operator.NOT_EQUALS
              || operator == Operator.GREATER_THAN_OR_EQUAL
              || operator == Operator.LESS_THAN_OR_EQUAL;
      Operator base =
          switch (operator) {
            case NOT_EQUALS -> Operator.EQUALS;
            case GREATER_THAN_OR_EQUAL -> Operator.LESS_THAN;
            case LESS_THAN_OR_EQUAL -> Operator.GREATER_THAN;
            default -> operator;
          };
      long[] valid;
      if (right instanceof LongExpr.Constant constant) {
        valid = a.valid();
        long k = constant.value();
        for (int w = 0, words = batch.words(); w < words; w++) {
          int start = w << 6;
          int end = Math.min(start + 64, rows);
          long bits = 0;
          switch (base) {
            case LESS_THAN -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] < k ? 1L : 0L) << i;
              }
            }
            case GREATER_THAN -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] > k ? 1L : 0L) << i;
              }
            }
            default -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] == k ? 1L : 0L) << i;
              }
            }
          }
          finish(negate ? ~bits : bits, valid[w], w, trueBits, falseBits);
        }
      } else {
        LongValues b = right.evaluate(batch);
        long[] y = b.values();
        valid = Bits.and(a.valid(), b.valid());
        for (int w = 0, words = batch.words(); w < words; w++) {
          int start = w << 6;
          int end = Math.min(start + 64, rows);
          long bits = 0;
          switch (base) {
            case LESS_THAN -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] < y[i] ? 1L : 0L) << i;
              }
            }
            case GREATER_THAN -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] > y[i] ? 1L : 0L) << i;
              }
            }
            default -> {
              for (int i = start; i < end; i++) {
                bits |= (x[i] == y[i] ? 1L : 0L) << i;
              }
            }
          }
          finish(negate ? ~bits : bits, valid[w], w, trueBits, falseBits);
        }
      }
    }

    @Override
    public String toString() {
      return left + " " + operator.symbol + " " + right;
    }
  }

  /** Two approximate numbers, compared as Java compares doubles (NaN is unordered). */
  record Doubles(DoubleExpr left, Operator operator, DoubleExpr right) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      DoubleValues a = left.evaluate(batch);
      DoubleValues b = right.evaluate(batch);
      double[] x = a.values();
      double[] y = b.values();
      long[] valid = Bits.and(a.valid(), b.valid());
      int mask = operator.mask;
      int rows = batch.rows();
      for (int w = 0, words = batch.words(); w < words; w++) {
        int start = w << 6;
        int end = Math.min(start + 64, rows);
        long bits = 0;
        for (int i = start; i < end; i++) {
          int outcome = x[i] < y[i] ? 0 : x[i] == y[i] ? 1 : x[i] > y[i] ? 2 : 3;
          bits |= (long) ((mask >>> outcome) & 1) << i;
        }
        finish(bits, valid[w], w, trueBits, falseBits);
      }
    }

    @Override
    public String toString() {
      return left + " " + operator.symbol + " " + right;
    }
  }

  /** A character string operand: a VARCHAR column or a literal. */
  sealed interface Text permits TextColumn, TextLiteral {}

  /** A VARCHAR column. */
  record TextColumn(int column, String name) implements Text, BoolExpr.ValidityExpr {
    @Override
    public long[] validity(EvalBatch batch) {
      return batch.validity(column);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A character literal as UTF-8. */
  record TextLiteral(byte[] utf8) implements Text {
    @Override
    public String toString() {
      return "'" + new String(utf8, StandardCharsets.UTF_8).replace("'", "''") + "'";
    }
  }

  /**
   * Strings compared by their UTF-8 bytes, which orders them by code point; Calcite compares Java
   * strings by UTF-16 unit, which differs only between supplementary characters and U+E000..U+FFFF.
   */
  record Strings(TextColumn left, Operator operator, Text right) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      StringValues a = batch.strings(left.column());
      byte[] x = a.data();
      int[] xo = a.offsets();
      int rows = batch.rows();
      int mask = operator.mask;
      boolean equality = operator == Operator.EQUALS || operator == Operator.NOT_EQUALS;
      long expected = operator == Operator.EQUALS ? 1L : 0L;
      if (right instanceof TextLiteral literal) {
        byte[] k = literal.utf8();
        long[] valid = a.valid();
        for (int w = 0, words = batch.words(); w < words; w++) {
          int start = w << 6;
          int end = Math.min(start + 64, rows);
          long bits = 0;
          if (equality) {
            for (int i = start; i < end; i++) {
              int from = xo[i];
              int to = xo[i + 1];
              boolean equal = to - from == k.length && ByteSearch.equalsAt(x, from, k, k.length);
              bits |= ((equal ? 1L : 0L) ^ expected ^ 1L) << i;
            }
          } else {
            for (int i = start; i < end; i++) {
              int sign = Arrays.compareUnsigned(x, xo[i], xo[i + 1], k, 0, k.length);
              bits |= (long) ((mask >>> (Integer.signum(sign) + 1)) & 1) << i;
            }
          }
          finish(bits, valid[w], w, trueBits, falseBits);
        }
      } else {
        StringValues b = batch.strings(((TextColumn) right).column());
        byte[] y = b.data();
        int[] yo = b.offsets();
        long[] valid = Bits.and(a.valid(), b.valid());
        for (int w = 0, words = batch.words(); w < words; w++) {
          int start = w << 6;
          int end = Math.min(start + 64, rows);
          long bits = 0;
          for (int i = start; i < end; i++) {
            int sign = Arrays.compareUnsigned(x, xo[i], xo[i + 1], y, yo[i], yo[i + 1]);
            bits |= (long) ((mask >>> (Integer.signum(sign) + 1)) & 1) << i;
          }
          finish(bits, valid[w], w, trueBits, falseBits);
        }
      }
    }

    @Override
    public String toString() {
      return left + " " + operator.symbol + " " + right;
    }
  }

  /** {@code a = b} or {@code a <> b} of two booleans. */
  record Booleans(BoolExpr left, boolean negated, BoolExpr right) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      int words = batch.words();
      long[] at = new long[words];
      long[] af = new long[words];
      long[] bt = new long[words];
      long[] bf = new long[words];
      left.evaluate(batch, at, af);
      right.evaluate(batch, bt, bf);
      for (int i = 0; i < words; i++) {
        long same = (at[i] & bt[i]) | (af[i] & bf[i]);
        long different = (at[i] & bf[i]) | (af[i] & bt[i]);
        trueBits[i] = negated ? different : same;
        falseBits[i] = negated ? same : different;
      }
    }

    @Override
    public String toString() {
      return left + (negated ? " <> " : " = ") + right;
    }
  }
}
