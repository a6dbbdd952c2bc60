package dev.tidewater.planner.contract;

import dev.tidewater.spi.TidewaterException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
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

  private final String rule;
  private final long limit;
  private final boolean exact;
  private final KeyStripe[] stripes = new KeyStripe[STRIPES];
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
      stripes[i] = new KeyStripe(exact);
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
        hashes[i] = KeyHash128.mix(first[i] >> KeyStripe.BLOCK_BITS);
      }
    } else {
      KeyHash128 hash = new KeyHash128();
      for (int i = 0; i < count; i++) {
        hash.reset();
        for (FieldVector vector : key) {
          hash.add(vector, rows[i]);
        }
        hash.finish();
        first[i] = hash.h1;
        second[i] = hash.h2;
        hashes[i] = KeyHash128.hash(hash.h1, hash.h2);
      }
    }
    return new Keys(rows, first, second, hashes, count);
  }

  static long exactValue(FieldVector vector, int row) {
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
      KeyStripe stripe = stripes[s];
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
}
