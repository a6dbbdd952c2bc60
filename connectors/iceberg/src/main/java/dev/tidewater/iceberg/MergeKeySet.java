package dev.tidewater.iceberg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A hash set of encoded MERGE keys ({@link MergeKeys}) without an object per key: the keys sit one
 * after another in one byte array, each as {@code [length:int][flags:byte][bytes]}, and an
 * open-addressing table (linear probing) holds their offsets and hashes. About 40 bytes per 8-byte
 * key; {@link #memoryBytes} is what the set holds on the heap.
 */
final class MergeKeySet {
  /** The key comes from a row flagged for deletion: it removes the target row, inserts nothing. */
  static final byte DELETE = 1;

  /** A target row with the key was found. */
  static final byte MATCHED = 2;

  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int HEADER = 5;
  private static final int MAX_ARENA = Integer.MAX_VALUE - 64;

  private byte[] arena = new byte[1 << 16];
  private int used;
  // per slot: the key's hash (high 32 bits) and its entry's offset + 1 (low 32 bits); 0 is free.
  // One array, so that a probe for a missing key touches one cache line.
  private long[] slots = new long[1 << 10];
  private int mask = slots.length - 1;
  private int size;
  // After seal(): one bit per slot-hash value, 8 bits per key, small enough to stay in the CPU's
  // cache, so that most target rows (whose key did not come in) cost no probe of the big table.
  private long[] filter;
  private int filterMask;

  int size() {
    return size;
  }

  long memoryBytes() {
    return arena.length + (long) slots.length * 8 + (filter == null ? 0 : filter.length * 8L);
  }

  byte[] arena() {
    return arena;
  }

  /**
   * Adds the key of {@code length} bytes with {@code flags}; returns -1 when it was new, else the
   * entry of the equal key already present (which is left unchanged).
   */
  int add(byte[] key, int length, long hash, byte flags) {
    filter = null;
    int slot = (int) hash & mask;
    long check = hash & 0xFFFFFFFF00000000L;
    long value;
    while ((value = slots[slot]) != 0) {
      if ((value & 0xFFFFFFFF00000000L) == check && equalsAt((int) value - 1, key, length)) {
        return (int) value - 1;
      }
      slot = (slot + 1) & mask;
    }
    int entry = append(key, length, flags);
    slots[slot] = check | (entry + 1L);
    size++;
    if (size * 2L > slots.length) {
      grow();
    }
    return -1;
  }

  /** The entry of the key equal to {@code key}, or -1. */
  int find(byte[] key, int length, long hash) {
    long[] bits = filter;
    if (bits != null) {
      int bit = (int) (hash >>> 32) & filterMask;
      if ((bits[bit >>> 6] & (1L << bit)) == 0) {
        return -1;
      }
    }
    int slot = (int) hash & mask;
    long check = hash & 0xFFFFFFFF00000000L;
    long value;
    while ((value = slots[slot]) != 0) {
      if ((value & 0xFFFFFFFF00000000L) == check && equalsAt((int) value - 1, key, length)) {
        return (int) value - 1;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** Prepares for many {@link #find} calls; an {@link #add} undoes it. */
  void seal() {
    int bitCount = (int) Math.min(1L << 24, Math.max(1 << 12, Long.highestOneBit(size * 8L) << 1));
    long[] bits = new long[bitCount >>> 6];
    int bitMask = bitCount - 1;
    for (long value : slots) {
      if (value != 0) {
        int bit = (int) (value >>> 32) & bitMask;
        bits[bit >>> 6] |= 1L << bit;
      }
    }
    filterMask = bitMask;
    filter = bits;
  }

  byte flags(int entry) {
    return arena[entry + 4];
  }

  void addFlags(int entry, byte flags) {
    arena[entry + 4] |= flags;
  }

  /** Where the key bytes of {@code entry} start in {@link #arena}. */
  static int keyOffset(int entry) {
    return entry + HEADER;
  }

  int keyLength(int entry) {
    return (int) INTS.get(arena, entry);
  }

  /** Calls {@code consumer} with every entry, in insertion order. */
  void forEach(EntryConsumer consumer) {
    int at = 0;
    while (at < used) {
      consumer.accept(at);
      at += HEADER + keyLength(at);
    }
  }

  /** Receives an entry of the set. */
  @FunctionalInterface
  interface EntryConsumer {
    void accept(int entry);
  }

  private boolean equalsAt(int entry, byte[] key, int length) {
    int start = entry + HEADER;
    return (int) INTS.get(arena, entry) == length
        && Arrays.equals(arena, start, start + length, key, 0, length);
  }

  private int append(byte[] key, int length, byte flags) {
    int needed = HEADER + length;
    if (used + (long) needed > arena.length) {
      long grown = Math.max((long) arena.length * 2, (long) used + needed);
      if (grown > MAX_ARENA) {
        if ((long) used + needed > MAX_ARENA) {
          throw new IllegalStateException("more than 2 GB of MERGE keys in memory");
        }
        grown = MAX_ARENA;
      }
      arena = Arrays.copyOf(arena, (int) grown);
    }
    int entry = used;
    INTS.set(arena, entry, length);
    arena[entry + 4] = flags;
    System.arraycopy(key, 0, arena, entry + HEADER, length);
    used += needed;
    return entry;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = slots.length - 1;
    for (long value : old) {
      if (value != 0) {
        int entry = (int) value - 1;
        long hash = MergeKeys.hash(arena, entry + HEADER, keyLength(entry));
        int slot = (int) hash & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = value;
      }
    }
  }
}
