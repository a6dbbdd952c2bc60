package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.DoubleValues;
import dev.tidewater.planner.expr.EvalBatch.LongValues;
import dev.tidewater.planner.expr.EvalBatch.StringValues;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code x IN (v1, v2, ...)}, which Calcite hands over as {@code x = v1 OR x = v2 OR ...}: TRUE
 * when x is one of the values; FALSE when it is none of them, or UNKNOWN instead if the list holds
 * NULL; UNKNOWN when x is NULL.
 */
final class InList {
  private static final int LINEAR_SEARCH_LIMIT = 8;

  private InList() {}

  private static void finish(
      long found, long valid, boolean listHasNull, int word, long[] trueBits, long[] falseBits) {
    trueBits[word] = found & valid;
    falseBits[word] = listHasNull ? 0 : ~found & valid;
  }

  /** Membership among exact numbers, dates or timestamps. */
  record Longs(LongExpr operand, long[] values, boolean listHasNull) implements BoolExpr {
    Longs {
      values = Arrays.stream(values).sorted().distinct().toArray();
    }

    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      LongValues in = operand.evaluate(batch);
      long[] x = in.values();
      int rows = batch.rows();
      boolean linear = values.length <= LINEAR_SEARCH_LIMIT;
      for (int w = 0, words = batch.words(); w < words; w++) {
        int start = w << 6;
        int end = Math.min(start + 64, rows);
        long found = 0;
        for (int i = start; i < end; i++) {
          boolean hit;
          if (linear) {
            hit = false;
            for (long value : values) {
              hit |= x[i] == value;
            }
          } else {
            hit = Arrays.binarySearch(values, x[i]) >= 0;
          }
          found |= (hit ? 1L : 0L) << i;
        }
        finish(found, in.valid()[w], listHasNull, w, trueBits, falseBits);
      }
    }

    @Override
    public String toString() {
      return operand + " IN " + Arrays.toString(values) + (listHasNull ? " (with NULL)" : "");
    }
  }

  /** Membership among approximate numbers. */
  record Doubles(DoubleExpr operand, double[] values, boolean listHasNull) implements BoolExpr {
    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      DoubleValues in = operand.evaluate(batch);
      double[] x = in.values();
      int rows = batch.rows();
      for (int w = 0, words = batch.words(); w < words; w++) {
        int start = w << 6;
        int end = Math.min(start + 64, rows);
        long found = 0;
        for (int i = start; i < end; i++) {
          boolean hit = false;
          for (double value : values) {
            hit |= x[i] == value;
          }
          found |= (hit ? 1L : 0L) << i;
        }
        finish(found, in.valid()[w], listHasNull, w, trueBits, falseBits);
      }
    }

    @Override
    public String toString() {
      return operand + " IN " + Arrays.toString(values) + (listHasNull ? " (with NULL)" : "");
    }
  }

  /** Membership among strings, by UTF-8 bytes; an open-addressing table for long lists. */
  static final class Strings implements BoolExpr {
    private final Comparison.TextColumn operand;
    private final byte[][] values;
    private final boolean listHasNull;
    private final byte[][] table; // null when the list is short enough to search linearly
    private final int tableMask;
    // Values of up to eight bytes, each as one long and its length, compared without branches.
    private final long[] shortPrefixes;
    private final int[] shortLengths;
    private final byte[][] longValues;

    Strings(Comparison.TextColumn operand, List<byte[]> values, boolean listHasNull) {
      this.operand = operand;
      List<byte[]> distinct = new ArrayList<>();
      for (byte[] value : values) {
        if (distinct.stream().noneMatch(v -> Arrays.equals(v, value))) {
          distinct.add(value);
        }
      }
      this.values = distinct.toArray(byte[][]::new);
      this.listHasNull = listHasNull;
      List<byte[]> shortOnes = distinct.stream().filter(v -> v.length <= 8).toList();
      this.shortPrefixes = shortOnes.stream().mapToLong(ByteSearch::prefix).toArray();
      this.shortLengths = shortOnes.stream().mapToInt(v -> v.length).toArray();
      this.longValues = distinct.stream().filter(v -> v.length > 8).toArray(byte[][]::new);
      if (this.values.length <= LINEAR_SEARCH_LIMIT) {
        this.table = null;
        this.tableMask = 0;
      } else {
        int size = Integer.highestOneBit(this.values.length * 4 - 1) << 1;
        this.table = new byte[size][];
        this.tableMask = size - 1;
        for (byte[] value : this.values) {
          int slot = hash(value, 0, value.length) & tableMask;
          while (table[slot] != null) {
            slot = (slot + 1) & tableMask;
          }
          table[slot] = value;
        }
      }
    }

    @Override
    public void evaluate(EvalBatch batch, long[] trueBits, long[] falseBits) {
      StringValues in = batch.strings(operand.column());
      byte[] data = in.data();
      int[] offsets = in.offsets();
      int rows = batch.rows();
      for (int w = 0, words = batch.words(); w < words; w++) {
        int start = w << 6;
        int end = Math.min(start + 64, rows);
        long found = 0;
        for (int i = start; i < end; i++) {
          found |= (contains(data, offsets[i], offsets[i + 1]) ? 1L : 0L) << i;
        }
        finish(found, in.valid()[w], listHasNull, w, trueBits, falseBits);
      }
    }

    private boolean contains(byte[] data, int from, int to) {
      int length = to - from;
      if (table == null) {
        if (length <= 8) {
          long prefix = ByteSearch.prefix(data, from, length);
          boolean hit = false;
          for (int k = 0; k < shortPrefixes.length; k++) {
            hit |= (prefix == shortPrefixes[k]) & (length == shortLengths[k]);
          }
          return hit;
        }
        for (byte[] value : longValues) {
          if (value.length == length && ByteSearch.equalsAt(data, from, value, length)) {
            return true;
          }
        }
        return false;
      }
      int slot = hash(data, from, to) & tableMask;
      for (byte[] value = table[slot]; value != null; value = table[slot]) {
        if (value.length == length && ByteSearch.equalsAt(data, from, value, length)) {
          return true;
        }
        slot = (slot + 1) & tableMask;
      }
      return false;
    }

    private static int hash(byte[] data, int from, int to) {
      int hash = 1;
      for (int i = from; i < to; i++) {
        hash = 31 * hash + data[i];
      }
      return hash ^ (hash >>> 16);
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(operand.toString()).append(" IN (");
      for (int i = 0; i < values.length; i++) {
        text.append(i == 0 ? "'" : ", '")
            .append(new String(values[i], StandardCharsets.UTF_8))
            .append('\'');
      }
      return text.append(listHasNull ? ", NULL)" : ")").toString();
    }
  }
}
