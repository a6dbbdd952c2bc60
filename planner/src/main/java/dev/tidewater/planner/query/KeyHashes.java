package dev.tidewater.planner.query;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The hash functions of {@link GroupTable}'s keys: values mixed in one long at a time, bytes eight
 * at a time as little-endian longs (from Arrow buffers' memory or from a byte array alike, so that
 * a string hashes the same whichever way it arrives).
 */
final class KeyHashes {
  /** The hash of a key before its first column. */
  static final long SEED = 0x9E3779B97F4A7C15L;

  /** What a null key value mixes in. */
  static final long NULL_WORD = 0x5bd1e9955bd1e995L;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private KeyHashes() {}

  /** The last {@code n} (1 to 7) bytes of a value from {@code p}, as the low bytes of a long. */
  static long tail(long address, int p, int n, long capacity) {
    if (p + 8 <= capacity) {
      return MemoryUtil.getLong(address + p) & ((1L << (n << 3)) - 1);
    }
    long tail = 0;
    for (int i = 0; i < n; i++) {
      tail |= (MemoryUtil.getByte(address + p + i) & 0xFFL) << (i << 3);
    }
    return tail;
  }

  /** A hash of {@code length} bytes from {@code start}: eight at a time, then the rest. */
  static long hashBytes(ArrowBuf data, long start, int length) {
    long hash = length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      hash = mix(hash, data.getLong(start + i));
    }
    if (i < length) {
      long tail = 0;
      for (int shift = 0; i < length; i++, shift += 8) {
        tail |= (data.getByte(start + i) & 0xFFL) << shift;
      }
      hash = mix(hash, tail);
    }
    return hash;
  }

  static long mix(long hash, long value) {
    return Long.rotateLeft(hash ^ (value * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
  }

  /** MurmurHash3's finalizer: the low bits that pick a slot depend on every bit. */
  static long finish(long hash) {
    hash ^= hash >>> 33;
    hash *= 0xFF51AFD7ED558CCDL;
    hash ^= hash >>> 33;
    hash *= 0xC4CEB9FE1A85EC53L;
    return hash ^ (hash >>> 33);
  }

  /**
   * The hash of {@code length} bytes of {@code bytes} from {@code start}, as {@link GroupTable}
   * hashes a string from memory: its length, then eight bytes at a time, then the rest.
   */
  static long hashBytes(byte[] bytes, int start, int length) {
    long hash = length;
    int p = start;
    int end = start + length;
    for (; p + 8 <= end; p += 8) {
      hash = mix(hash, (long) LONGS.get(bytes, p));
    }
    if (p < end) {
      long tail = 0;
      for (int shift = 0; p < end; p++, shift += 8) {
        tail |= (bytes[p] & 0xFFL) << shift;
      }
      hash = mix(hash, tail);
    }
    return hash;
  }
}
