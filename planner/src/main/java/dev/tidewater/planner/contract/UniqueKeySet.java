package dev.tidewater.planner.contract;

import dev.tidewater.spi.TidewaterException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The keys of one UNIQUE constraint seen so far in a load, in memory: open addressing tables split
 * into 64 stripes with a lock each, so that reader threads rarely wait for each other. A key takes
 * 16 bytes (up to 8/3 of that while a table grows), and a dense integer key (sequential ids) about
 * a bit: such keys are stored as bitmaps of 64 consecutive values.
 *
 * <p>A key of one integer, date, timestamp or boolean column is stored exactly. Any other key is
 * stored as a 128-bit hash of its values: two different keys are taken for one with a probability
 * of about {@code n^2 / 2^129} for {@code n} keys (below 10^-20 for a billion keys), the same odds
 * as a random UUID collision.
 */
final class UniqueKeySet {
  private static final int STRIPE_BITS = 6;
  private static final int STRIPES = 1 << STRIPE_BITS;
  private static final long SEED_1 = 0x9E3779B97F4A7C15L;
  private static final long SEED_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long C1 = 0x87C37B91114253D5L;
  private static final long C2 = 0x4CF5AD432745937FL;

  private final String rule;
  private final long limit;
  private final boolean exact;
  private final Stripe[] stripes = new Stripe[STRIPES];
  private final AtomicLong size = new AtomicLong();

  /**
   * A set for the keys of UNIQUE constraint {@code rule}; {@code exact} when {@link #isExact} holds
   * for its vectors. More than {@code limit} keys is a user error.
   */
  UniqueKeySet(String rule, long limit, boolean exact) {
    this.rule = rule;
    this.limit = limit;
    this.exact = exact;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(exact);
    }
  }

  /** Whether a key of columns of these types is stored exactly. */
  static boolean isExact(List<ArrowType> types) {
    if (types.size() != 1) {
      return false;
    }
    ArrowType type = types.get(0);
    return switch (type.getTypeID()) {
      case Int, Bool, Timestamp -> true;
      case Date -> ((ArrowType.Date) type).getUnit() == DateUnit.DAY;
      default -> false;
    };
  }

  /** The keys of a batch's candidate rows, as pairs of longs, and their hashes. */
  static final class Keys {
    final int[] rows;
    final long[] first;
    final long[] second;
    final long[] hashes;
    final int count;

    long second(int i) {
      return second == null ? 0 : second[i];
    }

    Keys(int[] rows, long[] first, long[] second, long[] hashes, int count) {
      this.rows = rows;
      this.first = first;
      this.second = second;
      this.hashes = hashes;
      this.count = count;
    }
  }

  /**
   * The keys of the rows of {@code key}'s vectors that {@code rejected} (a bit per row) does not
   * mark and that have no null in the key: SQL's UNIQUE lets nulls repeat.
   */
  Keys keys(List<FieldVector> key, int rowCount, long[] rejected) {
    // candidates: a bit per row, not rejected and without a null in the key
    int words = (rowCount + 63) >>> 6;
    long[] candidates = new long[words];
    for (int w = 0; w < words; w++) {
      candidates[w] = ~rejected[w];
    }
    if ((rowCount & 63) != 0) {
      candidates[words - 1] &= (1L << rowCount) - 1;
    }
    for (FieldVector vector : key) {
      if (vector.getNullCount() > 0) {
        ArrowBuf validity = vector.getValidityBuffer();
        for (int w = 0; w < words; w++) {
          candidates[w] &= validityWord(validity, w, rowCount);
        }
      }
    }
    int count = 0;
    for (long word : candidates) {
      count += Long.bitCount(word);
    }
    int[] rows = new int[count];
    int next = 0;
    for (int w = 0; w < words; w++) {
      for (long word = candidates[w]; word != 0; word &= word - 1) {
        rows[next++] = (w << 6) + Long.numberOfTrailingZeros(word);
      }
    }
    long[] first = new long[count];
    long[] second = exact ? null : new long[count];
    long[] hashes = new long[count];
    if (exact) {
      exactValues(key.get(0), rows, count, first);
      for (int i = 0; i < count; i++) {
        hashes[i] = mix(first[i] >> Stripe.BLOCK_BITS);
      }
    } else {
      Hash128 hash = new Hash128();
      for (int i = 0; i < count; i++) {
        hash.reset();
        for (FieldVector vector : key) {
          hash.add(vector, rows[i]);
        }
        hash.finish();
        first[i] = hash.h1;
        second[i] = hash.h2;
        hashes[i] = hash(hash.h1, hash.h2);
      }
    }
    return new Keys(rows, first, second, hashes, count);
  }

  private static long exactValue(FieldVector vector, int row) {
    if (vector instanceof BaseIntVector integers) {
      return integers.getValueAsLong(row);
    }
    if (vector instanceof DateDayVector days) {
      return days.get(row);
    }
    if (vector instanceof TimeStampVector timestamps) {
      return timestamps.get(row);
    }
    return ((BitVector) vector).get(row);
  }

  /** Word {@code w} of a validity buffer: bit {@code i} for row {@code 64 w + i}. */
  private static long validityWord(ArrowBuf validity, int w, int rowCount) {
    long offset = (long) w << 3;
    long bytes = (rowCount + 7) >>> 3;
    if (offset + 8 <= bytes) {
      return validity.getLong(offset); // little-endian: byte k holds rows 8k..8k+7
    }
    long value = 0;
    for (int b = 0; offset + b < bytes; b++) {
      value |= (validity.getByte(offset + b) & 0xFFL) << (b << 3);
    }
    return value;
  }

  /** The values of {@code rows} of a one-column exact key, straight from the data buffer. */
  private static void exactValues(FieldVector vector, int[] rows, int count, long[] values) {
    if (vector instanceof BitVector bits) {
      for (int i = 0; i < count; i++) {
        values[i] = bits.get(rows[i]);
      }
      return;
    }
    ArrowBuf data = vector.getDataBuffer();
    int width = ((BaseFixedWidthVector) vector).getTypeWidth();
    switch (width) {
      case 8 -> {
        for (int i = 0; i < count; i++) {
          values[i] = data.getLong((long) rows[i] << 3);
        }
      }
      case 4 -> {
        for (int i = 0; i < count; i++) {
          values[i] = data.getInt((long) rows[i] << 2);
        }
      }
      case 2 -> {
        for (int i = 0; i < count; i++) {
          values[i] = data.getShort((long) rows[i] << 1);
        }
      }
      default -> {
        for (int i = 0; i < count; i++) {
          values[i] = exactValue(vector, rows[i]);
        }
      }
    }
  }

  /**
   * Adds the keys, in row order; calls {@code duplicate} with the row of each key seen before (in
   * an earlier batch, or an earlier row of this one). Thread-safe: locks one stripe at a time.
   */
  void addAll(Keys keys, IntConsumer duplicate) {
    // Group the rows by stripe (stably, so the first of equal keys in a batch wins), then take each
    // stripe's lock once.
    int[] counts = new int[STRIPES + 1];
    for (int i = 0; i < keys.count; i++) {
      counts[stripe(keys.hashes[i]) + 1]++;
    }
    for (int s = 0; s < STRIPES; s++) {
      counts[s + 1] += counts[s];
    }
    int[] order = new int[keys.count];
    int[] next = counts.clone();
    for (int i = 0; i < keys.count; i++) {
      order[next[stripe(keys.hashes[i])]++] = i;
    }
    boolean[] duplicates = new boolean[keys.count];
    for (int s = 0; s < STRIPES; s++) {
      if (counts[s] == counts[s + 1]) {
        continue;
      }
      Stripe stripe = stripes[s];
      int added = 0;
      synchronized (stripe) {
        for (int j = counts[s]; j < counts[s + 1]; j++) {
          int i = order[j];
          if (stripe.add(keys.first[i], keys.second(i), keys.hashes[i])) {
            added++;
          } else {
            duplicates[i] = true;
          }
        }
      }
      grew(added);
    }
    for (int i = 0; i < keys.count; i++) {
      if (duplicates[i]) {
        duplicate.accept(keys.rows[i]);
      }
    }
  }

  /** Whether key {@code i} of {@code keys} is in the set; the caller serializes all access. */
  boolean contains(Keys keys, int i) {
    return stripes[stripe(keys.hashes[i])].contains(keys.first[i], keys.second(i), keys.hashes[i]);
  }

  /** Adds key {@code i} of {@code keys}, known to be absent; the caller serializes all access. */
  void add(Keys keys, int i) {
    if (stripes[stripe(keys.hashes[i])].add(keys.first[i], keys.second(i), keys.hashes[i])) {
      grew(1);
    }
  }

  private void grew(int added) {
    if (size.addAndGet(added) > limit) {
      throw TidewaterException.user(
          "%s: this load has more than %d distinct keys, the most that uniqueness is checked for"
              + " in memory; load the data in smaller parts (BACKFILL ranges, fewer files) or raise"
              + " the limit",
          rule, limit);
    }
  }

  /** The number of distinct keys seen. */
  long size() {
    return size.get();
  }

  private static int stripe(long hash) {
    return (int) (hash >>> (64 - STRIPE_BITS));
  }

  /** The hash of a stored key: its top bits choose the stripe, its low bits the slot. */
  private static long hash(long first, long second) {
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

  /** Murmur3-style 128-bit hash of a key's values, fed as 64-bit words. */
  private static final class Hash128 {
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
        word(exactValue(vector, row));
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
  }

  /**
   * One lock's share of the set: linear probing over entries of two longs, grown at 3/4 full. Exact
   * keys are kept as bitmaps of 64 consecutive values (block number, bits), so that dense keys such
   * as sequential ids take a bit each and a cache miss per 64 keys; an entry with no bits is empty.
   * Hashed keys are kept as they are; the all-zero key, which marks empty entries there, is kept in
   * a flag.
   */
  private static final class Stripe {
    static final int BLOCK_BITS = 6;

    private final boolean exact;
    private long[] slots = new long[2 * 256];
    private int mask = 255;
    private int entries;
    private boolean hasZero;

    Stripe(boolean exact) {
      this.exact = exact;
    }

    boolean contains(long first, long second, long hash) {
      if (exact) {
        long block = first >> BLOCK_BITS;
        long bit = 1L << first; // shifts use the low six bits
        for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
          long bits = slots[2 * slot + 1];
          if (bits == 0) {
            return false;
          }
          if (slots[2 * slot] == block) {
            return (bits & bit) != 0;
          }
        }
      }
      if (first == 0 && second == 0) {
        return hasZero;
      }
      for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
        long a = slots[2 * slot];
        long b = slots[2 * slot + 1];
        if (a == 0 && b == 0) {
          return false;
        }
        if (a == first && b == second) {
          return true;
        }
      }
    }

    /** Adds the key; false when it was there. */
    boolean add(long first, long second, long hash) {
      if (exact) {
        long block = first >> BLOCK_BITS;
        long bit = 1L << first;
        for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
          long bits = slots[2 * slot + 1];
          if (bits == 0) {
            slots[2 * slot] = block;
            slots[2 * slot + 1] = bit;
            added();
            return true;
          }
          if (slots[2 * slot] == block) {
            slots[2 * slot + 1] = bits | bit;
            return (bits & bit) == 0;
          }
        }
      }
      if (first == 0 && second == 0) {
        boolean added = !hasZero;
        hasZero = true;
        return added;
      }
      for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
        long a = slots[2 * slot];
        long b = slots[2 * slot + 1];
        if (a == 0 && b == 0) {
          slots[2 * slot] = first;
          slots[2 * slot + 1] = second;
          added();
          return true;
        }
        if (a == first && b == second) {
          return false;
        }
      }
    }

    private void added() {
      if (++entries > (mask + 1) / 4 * 3) {
        grow();
      }
    }

    private void grow() {
      long[] old = slots;
      int capacity = (mask + 1) * 2;
      slots = new long[2 * capacity];
      mask = capacity - 1;
      for (int i = 0; i < old.length; i += 2) {
        long a = old[i];
        long b = old[i + 1];
        if (b != 0 || (!exact && a != 0)) {
          int slot = (int) (exact ? mix(a) : hash(a, b)) & mask;
          while (slots[2 * slot + 1] != 0 || (!exact && slots[2 * slot] != 0)) {
            slot = (slot + 1) & mask;
          }
          slots[2 * slot] = a;
          slots[2 * slot + 1] = b;
        }
      }
    }
  }
}
