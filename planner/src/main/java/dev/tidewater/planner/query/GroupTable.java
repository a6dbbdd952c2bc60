package dev.tidewater.planner.query;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The groups of a GROUP BY in an open-addressing table. A batch is hashed a key column at a time
 * (one loop per column over the rows, by the column's kind), then each row is looked up and
 * compared with its candidate group's stored key column by column: numbers, booleans, dates and
 * timestamps as one long (timestamps in milliseconds, as Calcite compares them), strings, binaries
 * and wide decimals as bytes. A new group keeps its key values in Calcite's representation for the
 * result.
 */
final class GroupTable {
  /** How a key column is read: one long, a boolean bit, a timestamp, or bytes. */
  private static final int WORD = 0;

  private static final int BIT = 1;
  private static final int TIMESTAMP = 2;
  private static final int VARIABLE = 3;
  private static final int WIDE = 4;

  private static final long NULL_WORD = KeyHashes.NULL_WORD;

  /** Whether strings are hashed from memory (a long's low bytes come first in memory). */
  private static final boolean RAW = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private final int[] keyColumns;
  private final int limit;
  private final List<Object[]> keys = new ArrayList<>();
  private final int width;

  /** Per group and key column: the value as a long, or (bytes) its start in {@link #arena}. */
  private long[] words = new long[64];

  /** Per group and key column: the length of a bytes value; -1 for a null. */
  private int[] lengths = new int[64];

  private byte[] arena = new byte[1 << 12];
  private int arenaUsed;
  private int[] slots = new int[128];
  private long[] slotHashes = new long[128];
  private long[] hashes = new long[0];

  // the batch being assigned, per key column
  private int[] kinds;
  private FieldVector[] vectors;
  private boolean[] nullable;
  private long[] divisors;
  private int[] widths;
  private long[] offsetAddresses;
  private long[] dataAddresses;
  private long[] capacities;

  /** Groups by {@code keyColumns} (indexes into each batch); at most {@code limit} groups. */
  GroupTable(int[] keyColumns, int limit) {
    this.keyColumns = keyColumns.clone();
    this.limit = limit;
    this.width = keyColumns.length;
    Arrays.fill(slots, -1);
    this.kinds = new int[width];
    this.vectors = new FieldVector[width];
    this.nullable = new boolean[width];
    this.divisors = new long[width];
    this.widths = new int[width];
    this.offsetAddresses = new long[width];
    this.dataAddresses = new long[width];
    this.capacities = new long[width];
  }

  /** Raised when there are more groups than the table takes: Calcite's plan runs instead. */
  static final class TooManyGroups extends RuntimeException {
    TooManyGroups() {
      super("too many groups", null, false, false);
    }
  }

  int size() {
    return keys.size();
  }

  /** The key values of a group, in Calcite's representation. */
  Object[] key(int group) {
    return keys.get(group);
  }

  /** The group of each of {@code count} {@code rows}, written to {@code groups}. */
  void assign(FieldVector[] batch, int[] rows, int count, int[] groups) {
    if (width == 0) {
      if (keys.isEmpty()) {
        keys.add(new Object[0]);
      }
      Arrays.fill(groups, 0, count, 0);
      return;
    }
    prepare(batch);
    if (hashes.length < count) {
      hashes = new long[count];
    }
    Arrays.fill(hashes, 0, count, KeyHashes.SEED);
    for (int k = 0; k < width; k++) {
      hashColumn(k, rows, count);
    }
    ArrowValues.Getter[] getters = null;
    for (int i = 0; i < count; i++) {
      int row = rows[i];
      long hash = KeyHashes.finish(hashes[i]);
      int mask = slots.length - 1;
      int slot = (int) hash & mask;
      int group;
      while (true) {
        group = slots[slot];
        if (group < 0) {
          if (getters == null) {
            getters = new ArrowValues.Getter[width];
            for (int k = 0; k < width; k++) {
              getters[k] = ArrowValues.getter(vectors[k]);
            }
          }
          group = add(getters, row, hash, slot);
          break;
        }
        if (slotHashes[slot] == hash && matches(group, row)) {
          break;
        }
        slot = (slot + 1) & mask;
      }
      groups[i] = group;
    }
  }

  private void prepare(FieldVector[] batch) {
    for (int k = 0; k < width; k++) {
      FieldVector vector = batch[keyColumns[k]];
      vectors[k] = vector;
      nullable[k] = vector.getNullCount() > 0;
      if (vector instanceof BitVector) {
        kinds[k] = BIT;
      } else if (vector instanceof TimeStampVector stamp) {
        kinds[k] = TIMESTAMP;
        TimeUnit unit = ((ArrowType.Timestamp) stamp.getField().getType()).getUnit();
        divisors[k] =
            switch (unit) {
              case SECOND, MILLISECOND -> 1;
              case MICROSECOND -> 1_000;
              case NANOSECOND -> 1_000_000;
            };
      } else if (vector instanceof BaseFixedWidthVector fixed) {
        int typeWidth = fixed.getTypeWidth();
        widths[k] = typeWidth;
        kinds[k] =
            typeWidth == 1 || typeWidth == 2 || typeWidth == 4 || typeWidth == 8 ? WORD : WIDE;
      } else if (vector instanceof BaseVariableWidthVector) {
        kinds[k] = VARIABLE;
      } else {
        throw new IllegalStateException("cannot group by " + vector.getField());
      }
    }
  }

  private boolean isNull(int k, int row) {
    return nullable[k] && vectors[k].isNull(row);
  }

  /** The value of a one-long column at a row. */
  private long word(int k, int row) {
    FieldVector vector = vectors[k];
    return switch (kinds[k]) {
      case BIT -> ((BitVector) vector).get(row);
      case TIMESTAMP -> {
        long value = vector.getDataBuffer().getLong((long) row * 8);
        yield divisors[k] == 1 ? value : Math.floorDiv(value, divisors[k]);
      }
      default -> {
        ArrowBuf data = vector.getDataBuffer();
        yield switch (widths[k]) {
          case 1 -> data.getByte(row);
          case 2 -> data.getShort((long) row * 2);
          case 4 -> data.getInt((long) row * 4);
          default -> data.getLong((long) row * 8);
        };
      }
    };
  }

  private long start(int k, int row) {
    if (kinds[k] == WIDE) {
      return (long) row * widths[k];
    }
    return vectors[k].getOffsetBuffer().getInt((long) row * BaseVariableWidthVector.OFFSET_WIDTH);
  }

  private int length(int k, int row) {
    if (kinds[k] == WIDE) {
      return widths[k];
    }
    ArrowBuf offsets = vectors[k].getOffsetBuffer();
    long at = (long) row * BaseVariableWidthVector.OFFSET_WIDTH;
    return offsets.getInt(at + BaseVariableWidthVector.OFFSET_WIDTH) - offsets.getInt(at);
  }

  private void hashColumn(int k, int[] rows, int count) {
    long[] hashes = this.hashes;
    if (kinds[k] == VARIABLE && RAW) {
      hashVariable(k, rows, count);
      return;
    }
    if (kinds[k] == VARIABLE || kinds[k] == WIDE) {
      ArrowBuf data = vectors[k].getDataBuffer();
      for (int i = 0; i < count; i++) {
        int row = rows[i];
        hashes[i] =
            isNull(k, row)
                ? KeyHashes.mix(hashes[i], NULL_WORD)
                : KeyHashes.mix(
                    hashes[i], KeyHashes.hashBytes(data, start(k, row), length(k, row)));
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      int row = rows[i];
      hashes[i] = KeyHashes.mix(hashes[i], isNull(k, row) ? NULL_WORD : word(k, row));
    }
  }

  /**
   * Strings and binaries hashed from the buffers' memory, eight bytes at a time: the offsets are
   * checked against the buffers once per batch, then read without a bounds check per value.
   */
  private void hashVariable(int k, int[] rows, int count) {
    FieldVector vector = vectors[k];
    ArrowBuf offsets = vector.getOffsetBuffer();
    ArrowBuf data = vector.getDataBuffer();
    int values = vector.getValueCount();
    long width = BaseVariableWidthVector.OFFSET_WIDTH;
    if (offsets.capacity() < (values + 1) * width
        || offsets.getInt(values * width) > data.capacity()) {
      throw new IllegalStateException("offsets past the data of " + vector.getField());
    }
    long offsetAddress = offsets.memoryAddress();
    long dataAddress = data.memoryAddress();
    long capacity = data.capacity();
    offsetAddresses[k] = offsetAddress;
    dataAddresses[k] = dataAddress;
    capacities[k] = capacity;
    long[] hashes = this.hashes;
    for (int i = 0; i < count; i++) {
      int row = rows[i];
      if (isNull(k, row)) {
        hashes[i] = KeyHashes.mix(hashes[i], NULL_WORD);
        continue;
      }
      long at = offsetAddress + row * width;
      int start = MemoryUtil.getInt(at);
      int end = MemoryUtil.getInt(at + width);
      long hash = end - start;
      int p = start;
      for (; p + 8 <= end; p += 8) {
        hash = KeyHashes.mix(hash, MemoryUtil.getLong(dataAddress + p));
      }
      if (p < end) {
        hash = KeyHashes.mix(hash, KeyHashes.tail(dataAddress, p, end - p, capacity));
      }
      hashes[i] = KeyHashes.mix(hashes[i], hash);
    }
  }

  /** Whether the row's key equals the group's, column by column. */
  private boolean matches(int group, int row) {
    int base = group * width;
    for (int k = 0; k < width; k++) {
      int length = lengths[base + k];
      if (isNull(k, row)) {
        if (length >= 0) {
          return false;
        }
        continue;
      }
      if (length < 0) {
        return false;
      }
      if (kinds[k] == VARIABLE && RAW) {
        if (!sameBytes(k, row, (int) words[base + k], length)) {
          return false;
        }
      } else if (kinds[k] == VARIABLE || kinds[k] == WIDE) {
        int start = (int) start(k, row);
        int stored = (int) words[base + k];
        if (length(k, row) != length
            || ByteFunctionHelpers.compare(
                    vectors[k].getDataBuffer(),
                    start,
                    start + length,
                    arena,
                    stored,
                    stored + length)
                != 0) {
          return false;
        }
      } else if (word(k, row) != words[base + k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a string's bytes (offsets checked by {@link #hashVariable}) equal the {@code length}
   * stored bytes at {@code stored}, compared from memory eight bytes at a time.
   */
  private boolean sameBytes(int k, int row, int stored, int length) {
    long at = offsetAddresses[k] + (long) row * BaseVariableWidthVector.OFFSET_WIDTH;
    int start = MemoryUtil.getInt(at);
    int end = MemoryUtil.getInt(at + BaseVariableWidthVector.OFFSET_WIDTH);
    if (end - start != length) {
      return false;
    }
    long address = dataAddresses[k];
    int p = start;
    int q = stored;
    for (; p + 8 <= end; p += 8, q += 8) {
      if (MemoryUtil.getLong(address + p) != MemoryUtil.getLong(arena, q)) {
        return false;
      }
    }
    if (p < end) {
      int n = end - p;
      // the arena has eight bytes to spare after its last key
      long mask = (1L << (n << 3)) - 1;
      return KeyHashes.tail(address, p, n, capacities[k]) == (MemoryUtil.getLong(arena, q) & mask);
    }
    return true;
  }

  /**
   * The group of a one-column string key given as UTF-8 bytes ({@code bytes} null: the null key),
   * added when new: the lookup of a dictionary entry ({@link DictionaryGroups}). The key hashes and
   * compares as the same string in a vector would, so batches of both kinds may meet in one table.
   */
  int group(byte[] bytes, int start, int length) {
    if (width != 1) {
      throw new IllegalStateException("a key of " + width + " columns is not one string");
    }
    long value = bytes == null ? NULL_WORD : KeyHashes.hashBytes(bytes, start, length);
    long hash = KeyHashes.finish(KeyHashes.mix(KeyHashes.SEED, value));
    int mask = slots.length - 1;
    int slot = (int) hash & mask;
    while (true) {
      int group = slots[slot];
      if (group < 0) {
        break;
      }
      if (slotHashes[slot] == hash
          && (bytes == null
              ? lengths[group] < 0
              : lengths[group] == length
                  && Arrays.equals(
                      arena,
                      (int) words[group],
                      (int) words[group] + length,
                      bytes,
                      start,
                      start + length))) {
        return group;
      }
      slot = (slot + 1) & mask;
    }
    int group = keys.size();
    if (group >= limit) {
      throw new TooManyGroups();
    }
    keys.add(
        new Object[] {
          bytes == null ? null : new String(bytes, start, length, StandardCharsets.UTF_8)
        });
    if (group + 1 > words.length) {
      words = Arrays.copyOf(words, words.length * 2);
      lengths = Arrays.copyOf(lengths, lengths.length * 2);
    }
    if (bytes == null) {
      lengths[group] = -1;
      words[group] = 0;
    } else {
      reserveArena(length);
      System.arraycopy(bytes, start, arena, arenaUsed, length);
      words[group] = arenaUsed;
      lengths[group] = length;
      arenaUsed += length;
    }
    slots[slot] = group;
    slotHashes[slot] = hash;
    if (keys.size() * 2 > slots.length) {
      rehash();
    }
    return group;
  }

  /** Room for {@code length} more key bytes and the eight spare bytes after the last. */
  private void reserveArena(int length) {
    if (arenaUsed + length + 8 > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length + 8));
    }
  }

  private int add(ArrowValues.Getter[] getters, int row, long hash, int slot) {
    int group = keys.size();
    if (group >= limit) {
      throw new TooManyGroups();
    }
    Object[] values = new Object[width];
    for (int k = 0; k < width; k++) {
      values[k] = getters[k].get(row);
    }
    keys.add(values);
    int base = group * width;
    if (base + width > words.length) {
      int size = Math.max(words.length * 2, base + width);
      words = Arrays.copyOf(words, size);
      lengths = Arrays.copyOf(lengths, size);
    }
    for (int k = 0; k < width; k++) {
      if (isNull(k, row)) {
        lengths[base + k] = -1;
        words[base + k] = 0;
      } else if (kinds[k] == VARIABLE || kinds[k] == WIDE) {
        int length = length(k, row);
        reserveArena(length);
        vectors[k].getDataBuffer().getBytes(start(k, row), arena, arenaUsed, length);
        words[base + k] = arenaUsed;
        lengths[base + k] = length;
        arenaUsed += length;
      } else {
        words[base + k] = word(k, row);
        lengths[base + k] = 0;
      }
    }
    slots[slot] = group;
    slotHashes[slot] = hash;
    if (keys.size() * 2 > slots.length) {
      rehash();
    }
    return group;
  }

  private void rehash() {
    int[] oldSlots = slots;
    long[] oldHashes = slotHashes;
    slots = new int[oldSlots.length * 2];
    slotHashes = new long[slots.length];
    Arrays.fill(slots, -1);
    int mask = slots.length - 1;
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] >= 0) {
        int slot = (int) oldHashes[i] & mask;
        while (slots[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = oldSlots[i];
        slotHashes[slot] = oldHashes[i];
      }
    }
  }
}
