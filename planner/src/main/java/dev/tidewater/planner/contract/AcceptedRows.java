package dev.tidewater.planner.contract;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies the rows of a vector that a bit set does not reject, a run of consecutive rows at a time:
 * one memory copy per run for fixed-width and variable-width vectors, row by row for the rest.
 */
final class AcceptedRows {
  private AcceptedRows() {}

  /**
   * Copies the first {@code rows} rows of {@code from} except those whose bit is set in {@code
   * rejected} into {@code to}, a new empty vector of the same type, which gets {@code kept} values.
   */
  static void copy(FieldVector from, FieldVector to, long[] rejected, int rows, int kept) {
    if (from instanceof BaseFixedWidthVector fixed && !(from instanceof BitVector)) {
      copyFixedWidth(fixed, (BaseFixedWidthVector) to, rejected, rows, kept);
    } else if (from instanceof BaseVariableWidthVector variable) {
      copyVariableWidth(variable, (BaseVariableWidthVector) to, rejected, rows, kept);
    } else {
      to.setInitialCapacity(Math.max(kept, 1));
      to.allocateNew();
      int out = 0;
      for (int row = 0; row < rows; row++) {
        if (!isSet(rejected, row)) {
          to.copyFromSafe(row, out++, from);
        }
      }
    }
    to.setValueCount(kept);
  }

  private static void copyFixedWidth(
      BaseFixedWidthVector from, BaseFixedWidthVector to, long[] rejected, int rows, int kept) {
    to.allocateNew(Math.max(kept, 1));
    boolean hasNulls = from.getNullCount() > 0; // counts the whole vector: once
    long width = from.getTypeWidth();
    ArrowBuf source = from.getDataBuffer();
    ArrowBuf target = to.getDataBuffer();
    int out = 0;
    for (int start = nextClear(rejected, 0, rows); start < rows; ) {
      int end = nextSet(rejected, start, rows);
      target.setBytes(out * width, source, start * width, (end - start) * width);
      if (hasNulls) {
        copyValidity(from, to.getValidityBuffer(), start, end, out);
      }
      out += end - start;
      start = nextClear(rejected, end, rows);
    }
    if (!hasNulls) {
      setValid(to.getValidityBuffer(), kept);
    }
  }

  private static void copyVariableWidth(
      BaseVariableWidthVector from,
      BaseVariableWidthVector to,
      long[] rejected,
      int rows,
      int kept) {
    ArrowBuf sourceOffsets = from.getOffsetBuffer();
    long bytes = 0;
    for (int start = nextClear(rejected, 0, rows); start < rows; ) {
      int end = nextSet(rejected, start, rows);
      bytes += offset(sourceOffsets, end) - offset(sourceOffsets, start);
      start = nextClear(rejected, end, rows);
    }
    to.allocateNew(Math.max(bytes, 1), Math.max(kept, 1));
    boolean hasNulls = from.getNullCount() > 0;
    ArrowBuf source = from.getDataBuffer();
    ArrowBuf target = to.getDataBuffer();
    ArrowBuf targetOffsets = to.getOffsetBuffer();
    int out = 0;
    int written = 0;
    targetOffsets.setInt(0, 0);
    for (int start = nextClear(rejected, 0, rows); start < rows; ) {
      int end = nextSet(rejected, start, rows);
      int first = offset(sourceOffsets, start);
      int length = offset(sourceOffsets, end) - first;
      target.setBytes(written, source, first, length);
      int shift = written - first;
      for (int row = start; row < end; row++) {
        targetOffsets.setInt(
            (long) (out + row - start + 1) * BaseVariableWidthVector.OFFSET_WIDTH,
            offset(sourceOffsets, row + 1) + shift);
      }
      if (hasNulls) {
        copyValidity(from, to.getValidityBuffer(), start, end, out);
      }
      written += length;
      out += end - start;
      start = nextClear(rejected, end, rows);
    }
    if (!hasNulls) {
      setValid(to.getValidityBuffer(), kept);
    }
    to.setLastSet(kept - 1);
  }

  private static int offset(ArrowBuf offsets, int row) {
    return offsets.getInt((long) row * BaseVariableWidthVector.OFFSET_WIDTH);
  }

  private static void copyValidity(
      FieldVector from, ArrowBuf validity, int start, int end, int out) {
    for (int row = start; row < end; row++) {
      if (!from.isNull(row)) {
        BitVectorHelper.setBit(validity, out + row - start);
      }
    }
  }

  /** Marks the first {@code count} values valid. */
  private static void setValid(ArrowBuf validity, int count) {
    validity.setOne(0, count >>> 3);
    for (int row = count & ~7; row < count; row++) {
      BitVectorHelper.setBit(validity, row);
    }
  }

  private static boolean isSet(long[] bits, int row) {
    return (bits[row >>> 6] & (1L << row)) != 0;
  }

  /** The first row at or after {@code from} whose bit is clear, or {@code rows}. */
  private static int nextClear(long[] bits, int from, int rows) {
    for (int row = from; row < rows; ) {
      long word = ~bits[row >>> 6] & (-1L << row);
      if (word != 0) {
        return Math.min(rows, ((row >>> 6) << 6) + Long.numberOfTrailingZeros(word));
      }
      row = ((row >>> 6) + 1) << 6;
    }
    return rows;
  }

  /** The first row at or after {@code from} whose bit is set, or {@code rows}. */
  private static int nextSet(long[] bits, int from, int rows) {
    for (int row = from; row < rows; ) {
      long word = bits[row >>> 6] & (-1L << row);
      if (word != 0) {
        return Math.min(rows, ((row >>> 6) << 6) + Long.numberOfTrailingZeros(word));
      }
      row = ((row >>> 6) + 1) << 6;
    }
    return rows;
  }
}
