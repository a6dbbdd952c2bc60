package dev.tidewater.planner.expr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte comparisons and searches for the string nodes, eight bytes at a time where it pays. */
final class ByteSearch {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private ByteSearch() {}

  /**
   * The first eight bytes at {@code from} as a little-endian long, only the first {@code length}
   * (up to 8) of them kept: equal prefixes give equal longs. {@code data} must have eight bytes
   * from {@code from} on.
   */
  static long prefix(byte[] data, int from, int length) {
    long word = (long) LONGS.get(data, from);
    return length >= 8 ? word : word & ((1L << (length << 3)) - 1);
  }

  /** A short value (up to 8 bytes) as {@link #prefix} reads it. */
  static long prefix(byte[] value) {
    return prefix(java.util.Arrays.copyOf(value, Math.max(8, value.length)), 0, value.length);
  }

  /** Whether {@code data[from, from + length)} equals {@code value}, of that length. */
  static boolean equalsAt(byte[] data, int from, byte[] value, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if ((long) LONGS.get(data, from + i) != (long) LONGS.get(value, i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (data[from + i] != value[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first position in {@code [from, to)} where all of {@code needle} occurs, or -1. */
  static int indexOf(byte[] data, int from, int to, byte[] needle) {
    int n = needle.length;
    int last = to - n; // the last position where the needle fits
    if (n == 0) {
      return from <= to ? from : -1;
    }
    long pattern = ONES * (needle[0] & 0xFF);
    int i = from;
    while (i <= last) {
      if (i + 8 <= to) {
        long word = (long) LONGS.get(data, i) ^ pattern;
        long zeros = (word - ONES) & ~word & HIGHS; // its lowest bit marks the first match
        if (zeros == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(zeros) >>> 3;
        if (i > last) {
          return -1;
        }
      } else if (data[i] != needle[0]) {
        i++;
        continue;
      }
      if (equalsAt(data, i, needle, n)) {
        return i;
      }
      i++;
    }
    return -1;
  }
}
