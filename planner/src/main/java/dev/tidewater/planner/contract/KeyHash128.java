package dev.tidewater.planner.contract;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;

/**
 * Murmur3-style 128-bit hash of a key's values, fed as 64-bit words: how {@link UniqueKeySet}
 * stores a key it does not store exactly. Reused per key ({@link #reset}); one thread at a time.
 */
final class KeyHash128 {
  private static final long SEED_1 = 0x9E3779B97F4A7C15L;
  private static final long SEED_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long C1 = 0x87C37B91114253D5L;
  private static final long C2 = 0x4CF5AD432745937FL;

  long h1;
  long h2;
  long length;

  void reset() {
    h1 = SEED_1;
    h2 = SEED_2;
    length = 0;
  }

  void word(long value) {
    long k1 = value * C1;
    k1 = Long.rotateLeft(k1, 31) * C2;
    h1 ^= k1;
    h1 = Long.rotateLeft(h1, 27) + h2;
    h1 = h1 * 5 + 0x52DCE729;
    long k2 = value * C2;
    k2 = Long.rotateLeft(k2, 33) * C1;
    h2 ^= k2;
    h2 = Long.rotateLeft(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495AB5;
    length++;
  }

  void add(FieldVector vector, int row) {
    if (vector instanceof BaseIntVector integers) {
      word(integers.getValueAsLong(row));
    } else if (vector instanceof BaseVariableWidthVector text) {
      ArrowBuf offsets = text.getOffsetBuffer();
      long start = offsets.getInt((long) row * BaseVariableWidthVector.OFFSET_WIDTH);
      long end = offsets.getInt((long) (row + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
      bytes(text.getDataBuffer(), start, end);
    } else if (vector instanceof BaseLargeVariableWidthVector text) {
      ArrowBuf offsets = text.getOffsetBuffer();
      long start = offsets.getLong((long) row * BaseLargeVariableWidthVector.OFFSET_WIDTH);
      long end = offsets.getLong((long) (row + 1) * BaseLargeVariableWidthVector.OFFSET_WIDTH);
      bytes(text.getDataBuffer(), start, end);
    } else if (vector instanceof DecimalVector decimals) {
      // equal values have equal unscaled values: every row of a vector has the same scale
      long offset = (long) row * DecimalVector.TYPE_WIDTH;
      word(decimals.getDataBuffer().getLong(offset));
      word(decimals.getDataBuffer().getLong(offset + 8));
    } else if (vector instanceof FloatingPointVector floats) {
      double value = floats.getValueAsDouble(row);
      word(Double.doubleToLongBits(value == 0.0 ? 0.0 : value)); // -0.0 = 0.0, as in SQL
    } else if (vector instanceof DateDayVector
        || vector instanceof TimeStampVector
        || vector instanceof BitVector) {
      word(UniqueKeySet.exactValue(vector, row));
    } else {
      byte[] text = String.valueOf(vector.getObject(row)).getBytes(StandardCharsets.UTF_8);
      word(text.length);
      for (byte b : text) {
        word(b);
      }
    }
  }

  private void bytes(ArrowBuf data, long start, long end) {
    word(end - start);
    long position = start;
    for (; position + 8 <= end; position += 8) {
      word(data.getLong(position));
    }
    long tail = 0;
    for (int shift = 0; position < end; position++, shift += 8) {
      tail |= (data.getByte(position) & 0xFFL) << shift;
    }
    word(tail);
  }

  void finish() {
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = mix(h1);
    h2 = mix(h2);
    h1 += h2;
    h2 += h1;
  }

  /** The hash of a stored key: its top bits choose the stripe, its low bits the slot. */
  static long hash(long first, long second) {
    return mix(first ^ Long.rotateLeft(second, 32));
  }

  /** Murmur3's 64-bit finalizer: spreads every input bit over the whole hash. */
  static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
