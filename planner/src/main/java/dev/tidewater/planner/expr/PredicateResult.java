package dev.tidewater.planner.expr;

import java.util.Arrays;
import java.util.Objects;

/**
 * The outcome of a {@link CompiledPredicate} for each row of one batch: TRUE, FALSE or UNKNOWN.
 * Reusable from batch to batch; not thread-safe.
 */
public final class PredicateResult {
  private long[] trueBits = new long[0];
  private long[] falseBits = new long[0];
  private int rowCount;

  /** Clears and sizes the result for a batch. */
  void reset(int rows) {
    int words = Bits.words(rows);
    if (trueBits.length < words) {
      trueBits = new long[words];
      falseBits = new long[words];
    } else {
      Arrays.fill(trueBits, 0, words, 0L);
      Arrays.fill(falseBits, 0, words, 0L);
    }
    rowCount = rows;
  }

  long[] trueBits() {
    return trueBits;
  }

  long[] falseBits() {
    return falseBits;
  }

  /** The number of rows of the batch last evaluated. */
  public int rowCount() {
    return rowCount;
  }

  public boolean isTrue(int row) {
    return Bits.get(trueBits, Objects.checkIndex(row, rowCount));
  }

  public boolean isFalse(int row) {
    return Bits.get(falseBits, Objects.checkIndex(row, rowCount));
  }

  /** Whether the expression is NULL for the row. */
  public boolean isUnknown(int row) {
    return !isTrue(row) && !isFalse(row);
  }

  public int countTrue() {
    return Bits.count(trueBits, Bits.words(rowCount));
  }

  public int countFalse() {
    return Bits.count(falseBits, Bits.words(rowCount));
  }

  public int countUnknown() {
    return rowCount - countTrue() - countFalse();
  }

  /** The first row at or after {@code fromRow} where the expression is TRUE, or -1. */
  public int nextTrue(int fromRow) {
    return Bits.next(trueBits, Bits.words(rowCount), fromRow);
  }

  /** The first row at or after {@code fromRow} where the expression is FALSE, or -1. */
  public int nextFalse(int fromRow) {
    return Bits.next(falseBits, Bits.words(rowCount), fromRow);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("PredicateResult[");
    for (int row = 0; row < Math.min(rowCount, 64); row++) {
      text.append(isTrue(row) ? 'T' : isFalse(row) ? 'F' : '?');
    }
    return text.append(rowCount > 64 ? "...]" : "]").toString();
  }
}
