package dev.tidewater.iceberg;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The byte strings that the ids of a dictionary-encoded batch column stand for (a string or binary
 * column read as an Arrow {@code Int32} vector of ids whose field carries a {@link
 * DictionaryEncoding}). A column chunk's dictionary page is one object for every batch of its row
 * group ({@link #reused()}), so a consumer may key what it derives from the entries (a group per
 * entry) by this object's identity. Entries need not be distinct: values of PLAIN pages (a chunk
 * whose writer fell back from its dictionary, or a file read another way) are one entry per row,
 * after the chunk's own entries.
 */
public final class ColumnDictionary {
  static final ColumnDictionary EMPTY = new ColumnDictionary(new byte[0], new int[1], 0, false);

  private static final ArrowType IDS = new ArrowType.Int(32, true);

  private final byte[] bytes;
  private final int[] offsets;
  private final int size;
  private final boolean reused;

  ColumnDictionary(byte[] bytes, int[] offsets, int size, boolean reused) {
    this.bytes = bytes;
    this.offsets = offsets;
    this.size = size;
    this.reused = reused;
  }

  /**
   * A dictionary of {@code entries} (for consumers' tests and for values read without ids); {@code
   * reused}: whether batches may share it.
   */
  public static ColumnDictionary of(List<byte[]> entries, boolean reused) {
    int[] offsets = new int[entries.size() + 1];
    for (int i = 0; i < entries.size(); i++) {
      offsets[i + 1] = offsets[i] + entries.get(i).length;
    }
    byte[] bytes = new byte[offsets[entries.size()]];
    for (int i = 0; i < entries.size(); i++) {
      System.arraycopy(entries.get(i), 0, bytes, offsets[i], entries.get(i).length);
    }
    return new ColumnDictionary(bytes, offsets, entries.size(), reused);
  }

  /** The number of entries. */
  public int size() {
    return size;
  }

  /** The bytes of every entry, back to back (shared: read, never write). */
  public byte[] bytes() {
    return bytes;
  }

  /** Where entry {@code entry}'s bytes start in {@link #bytes()}. */
  public int start(int entry) {
    return offsets[entry];
  }

  /** The length of entry {@code entry}'s bytes. */
  public int length(int entry) {
    return offsets[entry + 1] - offsets[entry];
  }

  /** Whether later batches (of the same row group) may answer this same dictionary. */
  public boolean reused() {
    return reused;
  }

  /** Entry {@code entry}'s bytes, copied. */
  public byte[] entry(int entry) {
    return java.util.Arrays.copyOfRange(bytes, offsets[entry], offsets[entry + 1]);
  }

  /** The field of a column read as dictionary ids: {@code Int32} with a dictionary encoding. */
  static Field idsField(Field values, long dictionaryId) {
    return new Field(
        values.getName(),
        new FieldType(
            values.isNullable(),
            IDS,
            new DictionaryEncoding(dictionaryId, false, (ArrowType.Int) IDS),
            values.getMetadata()),
        List.of());
  }

  /**
   * Encodes the {@code values} of a batch read without dictionary ids: entry {@code i} is row
   * {@code i}'s value; {@code ids} (allocated for the rows, validity zeroed) gets {@code i}, or
   * null.
   */
  static ColumnDictionary encode(BaseVariableWidthVector values, IntVector ids) {
    int rows = values.getValueCount();
    int[] offsets = new int[rows + 1];
    ArrowBuf offsetBuffer = values.getOffsetBuffer();
    for (int i = 0; i <= rows && rows > 0; i++) {
      offsets[i] = offsetBuffer.getInt((long) i * BaseVariableWidthVector.OFFSET_WIDTH);
    }
    int base = offsets[0];
    byte[] bytes = new byte[offsets[rows] - base];
    values.getDataBuffer().getBytes(base, bytes, 0, bytes.length);
    for (int i = 0; i <= rows; i++) {
      offsets[i] -= base;
    }
    for (int i = 0; i < rows; i++) {
      if (!values.isNull(i)) {
        ids.set(i, i);
      }
    }
    ids.setValueCount(rows);
    return new ColumnDictionary(bytes, offsets, rows, false);
  }

  /**
   * The entries of one batch: a chunk's dictionary (or none), then the values of PLAIN pages added
   * one entry each.
   */
  static final class Builder {
    private ColumnDictionary base;
    private byte[] bytes = new byte[256];
    private int[] ends = new int[64];
    private int added;
    private int used;

    /** Starts a batch whose dictionary ids index {@code chunk} (null: the chunk has none). */
    void reset(ColumnDictionary chunk) {
      this.base = chunk;
      this.added = 0;
      this.used = 0;
    }

    private int baseSize() {
      return base == null ? 0 : base.size;
    }

    /** Adds the {@code length} bytes at {@code position} of {@code data}; answers their id. */
    int add(ByteBuffer data, int position, int length) {
      if (used + length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
      }
      data.get(position, bytes, used, length);
      used += length;
      if (added == ends.length) {
        ends = Arrays.copyOf(ends, ends.length * 2);
      }
      ends[added++] = used;
      return baseSize() + added - 1;
    }

    /** The chunk's dictionary itself when nothing was added, else the two joined. */
    ColumnDictionary build() {
      if (added == 0) {
        return base == null ? EMPTY : base;
      }
      int baseSize = baseSize();
      int baseBytes = base == null ? 0 : base.offsets[baseSize];
      byte[] joined = new byte[baseBytes + used];
      int[] offsets = new int[baseSize + added + 1];
      if (base != null) {
        System.arraycopy(base.bytes, 0, joined, 0, baseBytes);
        System.arraycopy(base.offsets, 0, offsets, 0, baseSize + 1);
      }
      System.arraycopy(bytes, 0, joined, baseBytes, used);
      for (int i = 0; i < added; i++) {
        offsets[baseSize + 1 + i] = baseBytes + ends[i];
      }
      return new ColumnDictionary(joined, offsets, baseSize + added, false);
    }
  }
}
