package dev.tidewater.iceberg;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Which columns to write without a dictionary, decided once per sink from the first batch it
 * writes.
 *
 * <p>Parquet's writer starts every column chunk (one per column and row group) with a dictionary
 * and falls back to plain encoding only when the dictionary outgrows its limit (2 MB) or does not
 * pay at the end of the first page. A column of mostly distinct values — ids, prices, timestamps,
 * free text — therefore hashes every value of its first page into a dictionary in every row group,
 * and then encodes them all again as plain values: the largest share of the writer's CPU time.
 * DuckDB abandons the dictionary of a row group after {@code row_group_size / 20} distinct values,
 * Trino and Iceberg keep parquet-java's fallback.
 *
 * <p>The choice here counts the distinct values of each flat column in the first batch (up to
 * {@value #SAMPLE_ROWS} rows) and keeps the dictionary when the dictionary page plus the indices
 * would take at most half the plain size of those values: about when each value repeats four times
 * or more. Low-cardinality columns (status codes, countries, quantities) keep their dictionary, and
 * with it the readers' dictionary paths; a batch of fewer than {@value #MINIMUM_ROWS} non-null
 * values decides nothing and leaves the column to Parquet.
 */
final class DictionaryChoice {
  static final int SAMPLE_ROWS = 65_536;
  static final int MINIMUM_ROWS = 1_024;
  // Parquet's plain encoding writes a 4-byte length before each binary value.
  private static final int LENGTH_PREFIX = 4;

  private DictionaryChoice() {}

  /**
   * The field ids of the top-level flat columns of {@code schema} to write without a dictionary,
   * from {@code vectors} (in the order of the schema's columns, null for a missing column) holding
   * {@code rows} rows.
   */
  static Set<Integer> plainColumns(Schema schema, FieldVector[] vectors, int rows) {
    List<Types.NestedField> columns = schema.columns();
    Set<Integer> plain = new HashSet<>();
    int sample = Math.min(rows, SAMPLE_ROWS);
    DistinctCounter counter = new DistinctCounter(sample);
    for (int i = 0; i < columns.size() && i < vectors.length; i++) {
      Types.NestedField field = columns.get(i);
      FieldVector vector = vectors[i];
      if (vector != null
          && field.type().isPrimitiveType()
          && !dictionaryPays(vector, sample, counter)) {
        plain.add(field.fieldId());
      }
    }
    return Set.copyOf(plain);
  }

  /** Whether a dictionary would at least halve the size of the first {@code rows} values. */
  static boolean dictionaryPays(FieldVector vector, int rows, DistinctCounter counter) {
    if (vector instanceof BitVector) {
      return true; // Parquet never dictionary-encodes booleans: nothing to decide
    }
    counter.clear();
    long values = 0;
    long bytes = 0;
    if (vector instanceof BaseFixedWidthVector fixed) {
      int width = fixed.getTypeWidth();
      long data = fixed.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        if (!fixed.isNull(i)) {
          values++;
          counter.add(hashFixed(data + (long) i * width, width));
        }
      }
      bytes = values * width;
    } else if (vector instanceof BaseVariableWidthVector variable) {
      long offsets = variable.getOffsetBuffer().memoryAddress();
      long data = variable.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        if (!variable.isNull(i)) {
          int start = MemoryUtil.getInt(offsets + (long) i * 4);
          int length = MemoryUtil.getInt(offsets + (long) (i + 1) * 4) - start;
          values++;
          bytes += length + LENGTH_PREFIX;
          counter.add(hashBytes(data + start, length));
        }
      }
    } else if (vector instanceof BaseLargeVariableWidthVector variable) {
      long offsets = variable.getOffsetBuffer().memoryAddress();
      long data = variable.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        if (!variable.isNull(i)) {
          long start = MemoryUtil.getLong(offsets + (long) i * 8);
          int length = (int) (MemoryUtil.getLong(offsets + (long) (i + 1) * 8) - start);
          values++;
          bytes += length + LENGTH_PREFIX;
          counter.add(hashBytes(data + start, length));
        }
      }
    } else {
      return true; // a vector the writers convert value by value: leave it to Parquet
    }
    if (values < MINIMUM_ROWS) {
      return true;
    }
    long distinct = counter.size();
    // The dictionary holds each distinct value once (plain), the page one index per value.
    double dictionaryBytes =
        bytes * ((double) distinct / values) + values * indexBits(distinct) / 8.0;
    return dictionaryBytes <= bytes / 2.0;
  }

  private static int indexBits(long distinct) {
    return Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1, distinct - 1)));
  }

  private static long hashFixed(long address, int width) {
    return switch (width) {
      case 4 -> mix(MemoryUtil.getInt(address));
      case 8 -> mix(MemoryUtil.getLong(address));
      case 16 -> mix(MemoryUtil.getLong(address) * 31 + mix(MemoryUtil.getLong(address + 8)));
      default -> hashBytes(address, width);
    };
  }

  private static long hashBytes(long address, int length) {
    long hash = 0x9E3779B97F4A7C15L ^ length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      hash = mix(hash ^ MemoryUtil.getLong(address + i));
    }
    for (; i < length; i++) {
      hash = hash * 31 + MemoryUtil.getByte(address + i);
    }
    return mix(hash);
  }

  /** A 64-bit finalizer (SplitMix64's): spreads every input bit over the hash. */
  private static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Counts distinct 64-bit hashes: an open-addressing set sized for the sample, reused for every
   * column. Two values with one hash count once, which at 64 bits does not move the estimate.
   */
  static final class DistinctCounter {
    private final long[] slots;
    private final int mask;
    private boolean hasZero;
    private int size;

    DistinctCounter(int capacity) {
      int slotCount = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
      this.slots = new long[slotCount];
      this.mask = slotCount - 1;
    }

    void clear() {
      java.util.Arrays.fill(slots, 0L);
      hasZero = false;
      size = 0;
    }

    void add(long hash) {
      if (hash == 0) {
        if (!hasZero) {
          hasZero = true;
          size++;
        }
        return;
      }
      int slot = (int) hash & mask;
      while (true) {
        long current = slots[slot];
        if (current == hash) {
          return;
        }
        if (current == 0) {
          slots[slot] = hash;
          size++;
          return;
        }
        slot = (slot + 1) & mask;
      }
    }

    int size() {
      return size;
    }
  }
}
