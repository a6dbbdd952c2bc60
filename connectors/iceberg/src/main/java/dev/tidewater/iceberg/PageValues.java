package dev.tidewater.iceberg;

import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The non-null values of one data page, written to an Arrow vector in runs: PLAIN fixed-width
 * values are one copy of little-endian bytes, dictionary indexes are decoded in bulk and gathered.
 * The caller sets validity; it only asks for runs of values (and skips deleted ones).
 */
abstract class PageValues {
  /** Writes the next {@code count} values to rows {@code out..out+count) of {@code vector}. */
  abstract void emit(FieldVector vector, int out, int count);

  /** Passes over the next {@code count} values (deleted rows). */
  abstract void skip(int count);

  /**
   * Writes the dictionary ids of the next {@code count} values to rows {@code out..out+count) of
   * {@code ids} (an {@code Int32} data buffer): a dictionary page's indexes as they are, a PLAIN
   * page's byte strings added to {@code entries}. Only byte-string columns have ids.
   */
  void emitIds(ArrowBuf ids, int out, int count, ColumnDictionary.Builder entries) {
    throw new IllegalStateException("no dictionary ids for " + getClass().getSimpleName());
  }

  /**
   * The values of a page encoded with {@code encoding}, from {@code start} to the end of {@code
   * data} (little-endian order).
   */
  static PageValues of(
      Encoding encoding,
      ByteBuffer data,
      int start,
      ColumnLayout layout,
      PrimitiveTypeName physical,
      PageDictionary dictionary,
      String where) {
    switch (encoding) {
      case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
        if (dictionary == null) {
          throw new IllegalStateException(where + ": a dictionary page is missing");
        }
        int bitWidth = start < data.limit() ? data.get(start) & 0xFF : 0;
        return new Indexed(
            dictionary, new HybridDecoder(data, start + 1, data.limit(), bitWidth, where));
      }
      case RLE -> {
        if (layout != ColumnLayout.BOOLEAN) {
          throw new IllegalStateException(where + ": RLE values of a " + layout + " column");
        }
        int length = data.getInt(start);
        return new RunBooleans(new HybridDecoder(data, start + 4, start + 4 + length, 1, where));
      }
      case PLAIN -> {
        return switch (layout) {
          case BOOLEAN -> new PlainBooleans(data, start);
          case INT32, FLOAT -> new PlainFixed(data, start, 4);
          case INT64, DOUBLE -> new PlainFixed(data, start, 8);
          case BYTES -> new PlainBytes(data, start);
          default -> new PlainConverted(data, start, layout, physical);
        };
      }
      default ->
          throw new IllegalStateException(where + ": values encoded " + encoding + " are unknown");
    }
  }

  /** Values stored as they are in the Arrow vector: copied, not decoded. */
  private static final class PlainFixed extends PageValues {
    private final ByteBuffer data;
    private final int width;
    private int position;

    PlainFixed(ByteBuffer data, int start, int width) {
      this.data = data;
      this.position = start;
      this.width = width;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      int bytes = count * width;
      ((BaseFixedWidthVector) vector)
          .getDataBuffer()
          .setBytes((long) out * width, data, position, bytes);
      position += bytes;
    }

    @Override
    void skip(int count) {
      position += count * width;
    }
  }

  /** Plain values converted on the way: promotions, milliseconds, decimals' unscaled longs. */
  private static final class PlainConverted extends PageValues {
    private final ByteBuffer data;
    private final ColumnLayout layout;
    private final int width;
    private int position;

    PlainConverted(ByteBuffer data, int start, ColumnLayout layout, PrimitiveTypeName physical) {
      this.data = data;
      this.position = start;
      this.layout = layout;
      this.width =
          physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.FLOAT ? 4 : 8;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      ArrowBuf target = ((BaseFixedWidthVector) vector).getDataBuffer();
      int from = position;
      switch (layout) {
        case INT32_AS_INT64 -> {
          for (int i = 0; i < count; i++) {
            target.setLong((long) (out + i) * 8, data.getInt(from + 4 * i));
          }
        }
        case FLOAT_AS_DOUBLE -> {
          for (int i = 0; i < count; i++) {
            target.setDouble((long) (out + i) * 8, data.getFloat(from + 4 * i));
          }
        }
        case TIMESTAMP_MILLIS_AS_MICROS -> {
          for (int i = 0; i < count; i++) {
            target.setLong(
                (long) (out + i) * 8, Math.multiplyExact(data.getLong(from + 8 * i), 1_000L));
          }
        }
        case DECIMAL_LONG -> {
          for (int i = 0; i < count; i++) {
            long value = width == 4 ? data.getInt(from + 4 * i) : data.getLong(from + 8 * i);
            target.setLong((long) (out + i) * 16, value);
            target.setLong((long) (out + i) * 16 + 8, value >> 63);
          }
        }
        default -> throw new IllegalStateException("no plain conversion for " + layout);
      }
      position += count * width;
    }

    @Override
    void skip(int count) {
      position += count * width;
    }
  }

  /** PLAIN BYTE_ARRAY: each value a 4-byte length and its bytes. */
  private static final class PlainBytes extends PageValues {
    private final ByteBuffer data;
    private int position;

    PlainBytes(ByteBuffer data, int start) {
      this.data = data;
      this.position = start;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      BaseVariableWidthVector variable = (BaseVariableWidthVector) vector;
      ArrowBuf offsets = variable.getOffsetBuffer();
      int end = offsets.getInt((long) out * 4);
      int scan = position;
      for (int i = 0; i < count; i++) {
        int length = data.getInt(scan);
        scan += 4 + length;
        end += length;
      }
      ArrowBuf target = VariableWidth.reserve(variable, end);
      int offset = offsets.getInt((long) out * 4);
      for (int i = 0; i < count; i++) {
        int length = data.getInt(position);
        target.setBytes(offset, data, position + 4, length);
        position += 4 + length;
        offset += length;
        offsets.setInt((long) (out + i + 1) * 4, offset);
      }
    }

    @Override
    void skip(int count) {
      for (int i = 0; i < count; i++) {
        position += 4 + data.getInt(position);
      }
    }

    @Override
    void emitIds(ArrowBuf ids, int out, int count, ColumnDictionary.Builder entries) {
      for (int i = 0; i < count; i++) {
        int length = data.getInt(position);
        ids.setInt((long) (out + i) * 4, entries.add(data, position + 4, length));
        position += 4 + length;
      }
    }
  }

  /** PLAIN BOOLEAN: bit-packed, least significant bit first. */
  private static final class PlainBooleans extends PageValues {
    private final ByteBuffer data;
    private final int start;
    private long bit;

    PlainBooleans(ByteBuffer data, int start) {
      this.data = data;
      this.start = start;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      ArrowBuf target = ((BitVector) vector).getDataBuffer();
      for (int i = 0; i < count; i++, bit++) {
        if ((data.get(start + (int) (bit >>> 3)) >>> (bit & 7) & 1) != 0) {
          BitVectorHelper.setBit(target, out + i);
        }
      }
    }

    @Override
    void skip(int count) {
      bit += count;
    }
  }

  /** RLE BOOLEAN (what data page V2 writers use): a hybrid run of bit width 1. */
  private static final class RunBooleans extends PageValues {
    private final HybridDecoder runs;
    private int[] scratch = new int[0];

    RunBooleans(HybridDecoder runs) {
      this.runs = runs;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      scratch = Scratch.ensure(scratch, count);
      runs.read(scratch, 0, count);
      ArrowBuf target = ((BitVector) vector).getDataBuffer();
      for (int i = 0; i < count; i++) {
        if (scratch[i] != 0) {
          BitVectorHelper.setBit(target, out + i);
        }
      }
    }

    @Override
    void skip(int count) {
      scratch = Scratch.ensure(scratch, count);
      runs.read(scratch, 0, count);
    }
  }

  /** Dictionary indexes, decoded in bulk and gathered from the decoded dictionary. */
  private static final class Indexed extends PageValues {
    private final PageDictionary dictionary;
    private final HybridDecoder indexes;
    private int[] scratch = new int[0];

    Indexed(PageDictionary dictionary, HybridDecoder indexes) {
      this.dictionary = dictionary;
      this.indexes = indexes;
    }

    @Override
    void emit(FieldVector vector, int out, int count) {
      read(count);
      dictionary.gather(vector, out, scratch, count);
    }

    @Override
    void emitIds(ArrowBuf ids, int out, int count, ColumnDictionary.Builder entries) {
      read(count);
      for (int i = 0; i < count; i++) {
        ids.setInt((long) (out + i) * 4, scratch[i]);
      }
    }

    /** Reads {@code count} indexes into the scratch array, each checked against the dictionary. */
    private void read(int count) {
      scratch = Scratch.ensure(scratch, count);
      indexes.read(scratch, 0, count);
      int size = dictionary.size();
      for (int i = 0; i < count; i++) {
        if (Integer.compareUnsigned(scratch[i], size) >= 0) {
          throw new IllegalStateException(
              "dictionary index "
                  + Integer.toUnsignedString(scratch[i])
                  + " is past the dictionary's "
                  + size
                  + " entries");
        }
      }
    }

    @Override
    void skip(int count) {
      scratch = Scratch.ensure(scratch, count);
      indexes.read(scratch, 0, count);
    }
  }

  /** Growing scratch arrays. */
  static final class Scratch {
    private Scratch() {}

    static int[] ensure(int[] array, int length) {
      return array.length >= length ? array : new int[Math.max(length, array.length * 2)];
    }
  }
}
