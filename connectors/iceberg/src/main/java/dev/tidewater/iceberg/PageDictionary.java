package dev.tidewater.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The dictionary of one column chunk, decoded once into the form of its Arrow vector (4- or 8-byte
 * values already converted per {@link ColumnLayout}, or the bytes of each entry), so that a
 * dictionary-encoded page is a gather by index.
 */
final class PageDictionary {
  private final ColumnLayout layout;
  private final int size;
  private int[] ints;
  private long[] longs;
  private byte[] bytes;
  private int[] offsets;

  private PageDictionary(ColumnLayout layout, int size) {
    this.layout = layout;
    this.size = size;
  }

  /**
   * Decodes a PLAIN dictionary page of a column of {@code physical} type read as {@code layout}.
   */
  static PageDictionary decode(
      DictionaryPage page, ColumnLayout layout, PrimitiveTypeName physical, String where) {
    ByteBuffer data;
    try {
      data = page.getBytes().toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(where + ": cannot read the dictionary page", e);
    }
    int size = page.getDictionarySize();
    PageDictionary dictionary = new PageDictionary(layout, size);
    switch (layout) {
      case INT32, FLOAT -> {
        dictionary.ints = new int[size];
        data.asIntBuffer().get(dictionary.ints);
      }
      case INT64, DOUBLE, TIMESTAMP_MILLIS_AS_MICROS -> {
        long[] longs = new long[size];
        data.asLongBuffer().get(longs);
        if (layout == ColumnLayout.TIMESTAMP_MILLIS_AS_MICROS) {
          for (int i = 0; i < size; i++) {
            longs[i] = Math.multiplyExact(longs[i], 1_000L);
          }
        }
        dictionary.longs = longs;
      }
      case INT32_AS_INT64, DECIMAL_LONG -> {
        long[] longs = new long[size];
        for (int i = 0; i < size; i++) {
          longs[i] = physical == PrimitiveTypeName.INT32 ? data.getInt(4 * i) : data.getLong(8 * i);
        }
        dictionary.longs = longs;
      }
      case FLOAT_AS_DOUBLE -> {
        long[] longs = new long[size];
        for (int i = 0; i < size; i++) {
          longs[i] = Double.doubleToRawLongBits(data.getFloat(4 * i));
        }
        dictionary.longs = longs;
      }
      case BYTES -> {
        int[] offsets = new int[size + 1];
        int position = 0;
        for (int i = 0; i < size; i++) {
          int length = data.getInt(position);
          offsets[i + 1] = offsets[i] + length;
          position += 4 + length;
        }
        byte[] bytes = new byte[offsets[size]];
        position = 0;
        for (int i = 0; i < size; i++) {
          int length = offsets[i + 1] - offsets[i];
          data.get(position + 4, bytes, offsets[i], length);
          position += 4 + length;
        }
        dictionary.bytes = bytes;
        dictionary.offsets = offsets;
      }
      default -> throw new IllegalStateException(where + ": no dictionary decoding for " + layout);
    }
    return dictionary;
  }

  int size() {
    return size;
  }

  /** The entries of a BYTES dictionary, shared (not copied) for every batch of the chunk. */
  ColumnDictionary entries() {
    if (layout != ColumnLayout.BYTES) {
      throw new IllegalStateException("a " + layout + " dictionary has no byte entries");
    }
    return new ColumnDictionary(bytes, offsets, size, true);
  }

  /**
   * Writes the entries {@code indexes[0..count)} to {@code vector} from row {@code out} on (values
   * only: the caller sets validity).
   */
  void gather(FieldVector vector, int out, int[] indexes, int count) {
    switch (layout) {
      case INT32, FLOAT -> {
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        long at = (long) out * 4;
        for (int i = 0; i < count; i++) {
          data.setInt(at + 4L * i, ints[indexes[i]]);
        }
      }
      case DECIMAL_LONG -> {
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        long at = (long) out * 16;
        for (int i = 0; i < count; i++) {
          long value = longs[indexes[i]];
          data.setLong(at + 16L * i, value);
          data.setLong(at + 16L * i + 8, value >> 63);
        }
      }
      case BYTES -> {
        BaseVariableWidthVector variable = (BaseVariableWidthVector) vector;
        ArrowBuf offsetBuffer = variable.getOffsetBuffer();
        int start = offsetBuffer.getInt((long) out * 4);
        int end = start;
        for (int i = 0; i < count; i++) {
          int index = indexes[i];
          end += offsets[index + 1] - offsets[index];
        }
        ArrowBuf data = VariableWidth.reserve(variable, end);
        for (int i = 0; i < count; i++) {
          int index = indexes[i];
          int length = offsets[index + 1] - offsets[index];
          data.setBytes(start, bytes, offsets[index], length);
          start += length;
          offsetBuffer.setInt((long) (out + i + 1) * 4, start);
        }
      }
      default -> {
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        long at = (long) out * 8;
        for (int i = 0; i < count; i++) {
          data.setLong(at + 8L * i, longs[indexes[i]]);
        }
      }
    }
  }
}
