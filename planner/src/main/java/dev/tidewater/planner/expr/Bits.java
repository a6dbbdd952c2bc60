package dev.tidewater.planner.expr;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;

/** Bit sets of rows: bit {@code i % 64} of word {@code i / 64} stands for row {@code i}. */
final class Bits {
  private Bits() {}

  static int words(int rows) {
    return (rows + 63) >>> 6;
  }

  /** The bits of the last word that stand for rows. */
  static long tailMask(int rows) {
    int rest = rows & 63;
    return rest == 0 ? -1L : (1L << rest) - 1;
  }

  /** Bits set for every row, none past the last row. */
  static long[] all(int rows) {
    long[] bits = new long[words(rows)];
    java.util.Arrays.fill(bits, -1L);
    if (bits.length > 0) {
      bits[bits.length - 1] = tailMask(rows);
    }
    return bits;
  }

  /** The validity (not null) bits of a vector's first {@code rows} values. */
  static long[] validity(FieldVector vector, int rows) {
    int words = words(rows);
    long[] bits = new long[words];
    if (rows == 0) {
      return bits;
    }
    if (vector.getNullCount() == 0) {
      java.util.Arrays.fill(bits, -1L);
    } else {
      ArrowBuf buffer = vector.getValidityBuffer();
      int bytes = (rows + 7) >>> 3;
      for (int word = 0; word < words; word++) {
        long offset = (long) word << 3;
        if (offset + 8 <= bytes) {
          bits[word] = buffer.getLong(offset); // little-endian: byte k holds rows 8k..8k+7
        } else {
          long value = 0;
          for (int b = 0; offset + b < bytes; b++) {
            value |= (buffer.getByte(offset + b) & 0xFFL) << (b << 3);
          }
          bits[word] = value;
        }
      }
    }
    bits[words - 1] &= tailMask(rows);
    return bits;
  }

  static void set(long[] bits, int row) {
    bits[row >>> 6] |= 1L << row;
  }

  static boolean get(long[] bits, int row) {
    return (bits[row >>> 6] & (1L << row)) != 0;
  }

  static long[] and(long[] a, long[] b) {
    long[] out = new long[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] & b[i];
    }
    return out;
  }

  static int count(long[] bits, int words) {
    int count = 0;
    for (int i = 0; i < words; i++) {
      count += Long.bitCount(bits[i]);
    }
    return count;
  }

  /** The first row at or after {@code from} whose bit is set, or -1. */
  static int next(long[] bits, int words, int from) {
    int word = from >>> 6;
    if (word >= words) {
      return -1;
    }
    long current = bits[word] & (-1L << from);
    while (true) {
      if (current != 0) {
        return (word << 6) + Long.numberOfTrailingZeros(current);
      }
      if (++word >= words) {
        return -1;
      }
      current = bits[word];
    }
  }
}
