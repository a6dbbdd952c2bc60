package dev.tidewater.iceberg;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indexes, RLE
 * booleans) a run at a time: a repeated run is one {@link Arrays#fill}, a bit-packed run is
 * unpacked eight values at a time, straight into the caller's array.
 */
final class HybridDecoder {
  private final ByteBuffer data;
  private final int end;
  private final int bitWidth;
  private final int byteWidth;
  private final long mask;
  private final String where;
  private final int[] group = new int[8];
  private int position;
  private int repeatedLeft;
  private int repeatedValue;

  /** Values of the current bit-packed run not handed out yet, those in {@link #group} included. */
  private int packedLeft;

  private int groupIndex = 8;

  /**
   * Decodes the bytes of {@code data} from {@code start} (inclusive) to {@code end} (exclusive),
   * values of {@code bitWidth} bits (0 to 32); {@code where} names the page in errors.
   */
  HybridDecoder(ByteBuffer data, int start, int end, int bitWidth, String where) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new IllegalStateException(where + ": bit width " + bitWidth + " is out of range");
    }
    if (start < 0 || end > data.limit() || start > end) {
      throw new IllegalStateException(where + ": encoded values overrun the page");
    }
    this.data = data;
    this.position = start;
    this.end = end;
    this.bitWidth = bitWidth;
    this.byteWidth = (bitWidth + 7) / 8;
    this.mask = (1L << bitWidth) - 1;
    this.where = where;
  }

  /** Writes the next {@code count} values to {@code into} from {@code offset} on. */
  void read(int[] into, int offset, int count) {
    while (count > 0) {
      if (repeatedLeft == 0 && packedLeft == 0) {
        nextRun();
      }
      int n;
      if (repeatedLeft > 0) {
        n = Math.min(count, repeatedLeft);
        Arrays.fill(into, offset, offset + n, repeatedValue);
        repeatedLeft -= n;
      } else if (groupIndex == 8 && count >= 8 && packedLeft >= 8) {
        n = 8;
        unpack(into, offset);
        packedLeft -= 8;
      } else {
        if (groupIndex == 8) {
          unpack(group, 0);
          groupIndex = 0;
        }
        n = Math.min(count, Math.min(8 - groupIndex, packedLeft));
        System.arraycopy(group, groupIndex, into, offset, n);
        groupIndex += n;
        packedLeft -= n;
      }
      offset += n;
      count -= n;
    }
  }

  /**
   * Reads the next {@code count} values, 0 or 1, into {@code into}; answers how many are 1 (the
   * defined values among definition levels of maximum 1).
   */
  int readLevels(int[] into, int count) {
    if (repeatedLeft == 0 && packedLeft == 0 && position < end) {
      nextRun();
    }
    if (repeatedLeft >= count) {
      // the common case, a whole batch in one run: no per-value work
      Arrays.fill(into, 0, count, repeatedValue);
      repeatedLeft -= count;
      return repeatedValue == 1 ? count : 0;
    }
    read(into, 0, count);
    int ones = 0;
    for (int i = 0; i < count; i++) {
      ones += into[i];
    }
    return ones;
  }

  private void nextRun() {
    if (position >= end) {
      throw new IllegalStateException(where + ": fewer encoded values than the page holds");
    }
    int header = readVarInt();
    if ((header & 1) == 0) {
      repeatedLeft = header >>> 1;
      int value = 0;
      for (int i = 0; i < byteWidth; i++) {
        value |= (byteAt(position++) & 0xFF) << (8 * i);
      }
      repeatedValue = value;
    } else {
      packedLeft = (header >>> 1) * 8;
      groupIndex = 8;
    }
  }

  /** Unpacks eight values of {@code bitWidth} bits, least significant bit first. */
  private void unpack(int[] into, int offset) {
    long buffer = 0;
    int bits = 0;
    for (int i = 0; i < 8; i++) {
      while (bits < bitWidth) {
        buffer |= (long) (byteAt(position++) & 0xFF) << bits;
        bits += 8;
      }
      into[offset + i] = (int) (buffer & mask);
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
  }

  /** A byte of the run, or 0 past the end: writers may leave off a last group's padding. */
  private int byteAt(int at) {
    return at < end ? data.get(at) : 0;
  }

  private int readVarInt() {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (position >= end) {
        break;
      }
      int b = data.get(position++) & 0xFF;
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalStateException(where + ": a run header is cut off or too long");
  }
}
