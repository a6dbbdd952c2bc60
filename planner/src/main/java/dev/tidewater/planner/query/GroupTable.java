package dev.tidewater.planner.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The groups of a GROUP BY: each row's key columns are written as bytes (null flag, then the value
 * as Calcite compares it — timestamps in milliseconds) and looked up in an open-addressing table; a
 * new group keeps its key values in Calcite's representation for the result.
 */
final class GroupTable {
  private final int[] keyColumns;
  private final int limit;
  private final List<Object[]> keys = new ArrayList<>();
  private byte[] arena = new byte[1 << 12];
  private int arenaUsed;
  private int[] keyStart = new int[64];
  private int[] keyLength = new int[64];
  private int[] slots = new int[128];
  private long[] slotHashes = new long[128];
  private byte[] buffer = new byte[64];
  private int length;

  /** Groups by {@code keyColumns} (indexes into each batch); at most {@code limit} groups. */
  GroupTable(int[] keyColumns, int limit) {
    this.keyColumns = keyColumns.clone();
    this.limit = limit;
    Arrays.fill(slots, -1);
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
  void assign(FieldVector[] vectors, int[] rows, int count, int[] groups) {
    if (keyColumns.length == 0) {
      if (keys.isEmpty()) {
        keys.add(new Object[0]);
      }
      Arrays.fill(groups, 0, count, 0);
      return;
    }
    ArrowValues.Getter[] getters = null;
    for (int i = 0; i < count; i++) {
      int row = rows[i];
      length = 0;
      for (int column : keyColumns) {
        append(vectors[column], row);
      }
      long hash = hash(buffer, length);
      int mask = slots.length - 1;
      int slot = (int) hash & mask;
      int group;
      while (true) {
        group = slots[slot];
        if (group < 0) {
          if (getters == null) {
            getters = new ArrowValues.Getter[keyColumns.length];
            for (int k = 0; k < keyColumns.length; k++) {
              getters[k] = ArrowValues.getter(vectors[keyColumns[k]]);
            }
          }
          group = add(getters, row, hash, slot);
          break;
        }
        if (slotHashes[slot] == hash
            && keyLength[group] == length
            && Arrays.equals(arena, keyStart[group], keyStart[group] + length, buffer, 0, length)) {
          break;
        }
        slot = (slot + 1) & mask;
      }
      groups[i] = group;
    }
  }

  private int add(ArrowValues.Getter[] getters, int row, long hash, int slot) {
    int group = keys.size();
    if (group >= limit) {
      throw new TooManyGroups();
    }
    Object[] values = new Object[getters.length];
    for (int k = 0; k < getters.length; k++) {
      values[k] = getters[k].get(row);
    }
    keys.add(values);
    if (group == keyStart.length) {
      keyStart = Arrays.copyOf(keyStart, group * 2);
      keyLength = Arrays.copyOf(keyLength, group * 2);
    }
    if (arenaUsed + length > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
    }
    System.arraycopy(buffer, 0, arena, arenaUsed, length);
    keyStart[group] = arenaUsed;
    keyLength[group] = length;
    arenaUsed += length;
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

  private void append(FieldVector vector, int row) {
    ensure(1);
    if (vector.isNull(row)) {
      buffer[length++] = 0;
      return;
    }
    buffer[length++] = 1;
    if (vector instanceof BitVector bits) {
      ensure(1);
      buffer[length++] = (byte) bits.get(row);
    } else if (vector instanceof TimeStampVector stamp) {
      long value = stamp.get(row);
      TimeUnit unit = ((ArrowType.Timestamp) stamp.getField().getType()).getUnit();
      putLong(
          switch (unit) {
            case SECOND, MILLISECOND -> value;
            case MICROSECOND -> Math.floorDiv(value, 1_000L);
            case NANOSECOND -> Math.floorDiv(value, 1_000_000L);
          });
    } else if (vector instanceof BaseFixedWidthVector fixed) {
      int width = fixed.getTypeWidth();
      ensure(width);
      fixed.getDataBuffer().getBytes((long) row * width, buffer, length, width);
      length += width;
    } else if (vector instanceof BaseVariableWidthVector variable) {
      ArrowBuf offsets = variable.getOffsetBuffer();
      int start = offsets.getInt((long) row * BaseVariableWidthVector.OFFSET_WIDTH);
      int end = offsets.getInt((long) (row + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
      int size = end - start;
      ensure(size + 4);
      buffer[length++] = (byte) (size >>> 24);
      buffer[length++] = (byte) (size >>> 16);
      buffer[length++] = (byte) (size >>> 8);
      buffer[length++] = (byte) size;
      variable.getDataBuffer().getBytes(start, buffer, length, size);
      length += size;
    } else {
      throw new IllegalStateException("cannot group by " + vector.getField());
    }
  }

  private void putLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buffer[length++] = (byte) (value >>> shift);
    }
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }

  private static long hash(byte[] bytes, int length) {
    long hash = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < length; i++) {
      hash = (hash ^ bytes[i]) * 0x100000001B3L;
    }
    return hash ^ (hash >>> 29);
  }
}
