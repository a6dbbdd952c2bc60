package dev.tidewater.planner.contract;

/**
 * One lock's share of a {@link UniqueKeySet}: linear probing over entries of two longs, grown at
 * 3/4 full. Exact keys are kept as bitmaps of 64 consecutive values (block number, bits), so that
 * dense keys such as sequential ids take a bit each and a cache miss per 64 keys; an entry with no
 * bits is empty. Hashed keys are kept as they are; the all-zero key, which marks empty entries
 * there, is kept in a flag.
 */
final class KeyStripe {
  static final int BLOCK_BITS = 6;

  private final boolean exact;
  private long[] slots = new long[2 * 256];
  private int mask = 255;
  private int entries;
  private boolean hasZero;

  KeyStripe(boolean exact) {
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
        int slot = (int) (exact ? KeyHash128.mix(a) : KeyHash128.hash(a, b)) & mask;
        while (slots[2 * slot + 1] != 0 || (!exact && slots[2 * slot] != 0)) {
          slot = (slot + 1) & mask;
        }
        slots[2 * slot] = a;
        slots[2 * slot + 1] = b;
      }
    }
  }
}
