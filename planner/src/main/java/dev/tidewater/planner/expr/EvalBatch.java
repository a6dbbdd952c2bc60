package dev.tidewater.planner.expr;

import dev.tidewater.spi.TidewaterException;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One batch under evaluation: finds the columns by name and reads each column at most once into
 * Java arrays (values as longs, doubles or UTF-8 bytes, plus validity bits) shared by every node.
 */
final class EvalBatch {
  /** A column's values as longs at the column's scale or unit, and its validity bits. */
  record LongValues(long[] values, long[] valid) {}

  /** A column's values as doubles, and its validity bits. */
  record DoubleValues(double[] values, long[] valid) {}

  /**
   * A column's UTF-8 bytes: row {@code i} is {@code data[offsets[i] .. offsets[i + 1])}; {@code
   * data} has eight bytes past the last row.
   */
  record StringValues(byte[] data, int[] offsets, long[] valid) {}

  /** Raised by a vectorized node that cannot give the exact answer; the batch goes row by row. */
  static final class RowEvaluationNeeded extends RuntimeException {
    static final RowEvaluationNeeded INSTANCE = new RowEvaluationNeeded();

    private RowEvaluationNeeded() {
      super("value outside the vectorized range", null, false, false);
    }
  }

  private final VectorSchemaRoot root;
  private final List<Field> fields;
  private final int rows;
  private final FieldVector[] vectors;
  private final Object[] cache;

  EvalBatch(VectorSchemaRoot root, List<Field> fields) {
    this.root = root;
    this.fields = fields;
    this.rows = root.getRowCount();
    this.vectors = new FieldVector[fields.size()];
    this.cache = new Object[fields.size()];
  }

  VectorSchemaRoot root() {
    return root;
  }

  int rows() {
    return rows;
  }

  int words() {
    return Bits.words(rows);
  }

  FieldVector vector(int column) {
    FieldVector vector = vectors[column];
    if (vector == null) {
      Field field = fields.get(column);
      vector = root.getVector(field.getName());
      if (vector == null) {
        throw TidewaterException.internal(
            null, "The batch has no column '%s' that the expression reads", field.getName());
      }
      if (!vector.getField().getType().equals(field.getType())) {
        throw TidewaterException.internal(
            null,
            "Column '%s' has type %s in the batch but %s in the expression's schema",
            field.getName(),
            vector.getField().getType(),
            field.getType());
      }
      vectors[column] = vector;
    }
    return vector;
  }

  long[] validity(int column) {
    Object cached = cache[column];
    if (cached instanceof LongValues values) {
      return values.valid();
    }
    if (cached instanceof DoubleValues values) {
      return values.valid();
    }
    if (cached instanceof StringValues values) {
      return values.valid();
    }
    return Bits.validity(vector(column), rows);
  }

  LongValues longs(int column) {
    if (cache[column] instanceof LongValues values) {
      return values;
    }
    FieldVector vector = vector(column);
    long[] valid = Bits.validity(vector, rows);
    long[] values = new long[rows];
    ArrowBuf data = vector.getDataBuffer();
    ArrowType type = fields.get(column).getType();
    switch (type.getTypeID()) {
      case Int -> readInt(data, ((ArrowType.Int) type).getBitWidth(), values);
      case Decimal -> readDecimal(data, values, valid);
      case Date -> {
        if (((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY) {
          readInt(data, 32, values);
        } else {
          readInt(data, 64, values);
          for (int i = 0; i < rows; i++) {
            values[i] = Math.floorDiv(values[i], 86_400_000L);
          }
        }
      }
      case Timestamp -> {
        readInt(data, 64, values);
        switch (((ArrowType.Timestamp) type).getUnit()) {
          case SECOND -> scale(values, 1_000_000L);
          case MILLISECOND -> scale(values, 1_000L);
          case MICROSECOND -> {}
          case NANOSECOND -> {
            for (int i = 0; i < rows; i++) {
              values[i] = Math.floorDiv(values[i], 1_000L);
            }
          }
        }
      }
      default -> throw new IllegalStateException("not a long column: " + type);
    }
    LongValues result = new LongValues(values, valid);
    cache[column] = result;
    return result;
  }

  DoubleValues doubles(int column) {
    if (cache[column] instanceof DoubleValues values) {
      return values;
    }
    FieldVector vector = vector(column);
    long[] valid = Bits.validity(vector, rows);
    double[] values = new double[rows];
    ArrowBuf data = vector.getDataBuffer();
    if (((ArrowType.FloatingPoint) fields.get(column).getType()).getPrecision()
        == org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE) {
      for (int i = 0; i < rows; i++) {
        values[i] = data.getDouble((long) i << 3);
      }
    } else {
      for (int i = 0; i < rows; i++) {
        values[i] = data.getFloat((long) i << 2);
      }
    }
    DoubleValues result = new DoubleValues(values, valid);
    cache[column] = result;
    return result;
  }

  StringValues strings(int column) {
    if (cache[column] instanceof StringValues values) {
      return values;
    }
    BaseVariableWidthVector vector = (BaseVariableWidthVector) vector(column);
    long[] valid = Bits.validity(vector, rows);
    int[] offsets = new int[rows + 1];
    byte[] data;
    if (rows == 0) {
      data = new byte[8];
    } else {
      vector
          .getOffsetBuffer()
          .nioBuffer(0, (rows + 1) * 4)
          .order(ByteOrder.nativeOrder())
          .asIntBuffer()
          .get(offsets);
      int start = offsets[0];
      if (start != 0) {
        for (int i = 0; i <= rows; i++) {
          offsets[i] -= start;
        }
      }
      // Eight spare bytes, so that any row's first eight bytes can be read as one long.
      data = new byte[offsets[rows] + 8];
      vector.getDataBuffer().getBytes(start, data, 0, offsets[rows]);
    }
    StringValues result = new StringValues(data, offsets, valid);
    cache[column] = result;
    return result;
  }

  /** A boolean column as true and false bits. */
  void booleans(int column, long[] trueBits, long[] falseBits) {
    BitVector vector = (BitVector) vector(column);
    long[] valid = validity(column);
    ArrowBuf data = vector.getDataBuffer();
    int bytes = (rows + 7) >>> 3;
    for (int word = 0; word < valid.length; word++) {
      long offset = (long) word << 3;
      long value;
      if (offset + 8 <= bytes) {
        value = data.getLong(offset);
      } else {
        value = 0;
        for (int b = 0; offset + b < bytes; b++) {
          value |= (data.getByte(offset + b) & 0xFFL) << (b << 3);
        }
      }
      trueBits[word] = value & valid[word];
      falseBits[word] = ~value & valid[word];
    }
  }

  private void readInt(ArrowBuf data, int bitWidth, long[] values) {
    switch (bitWidth) {
      case 8 -> {
        for (int i = 0; i < rows; i++) {
          values[i] = data.getByte(i);
        }
      }
      case 16 -> {
        for (int i = 0; i < rows; i++) {
          values[i] = data.getShort((long) i << 1);
        }
      }
      case 32 -> {
        for (int i = 0; i < rows; i++) {
          values[i] = data.getInt((long) i << 2);
        }
      }
      default -> {
        for (int i = 0; i < rows; i++) {
          values[i] = data.getLong((long) i << 3);
        }
      }
    }
  }

  /** Decimal128 as its unscaled value when that fits in a long, as it nearly always does. */
  private void readDecimal(ArrowBuf data, long[] values, long[] valid) {
    for (int i = 0; i < rows; i++) {
      long offset = (long) i << 4;
      long low = data.getLong(offset);
      long high = data.getLong(offset + 8);
      if (high != (low >> 63) && Bits.get(valid, i)) {
        throw RowEvaluationNeeded.INSTANCE;
      }
      values[i] = low;
    }
  }

  private void scale(long[] values, long factor) {
    for (int i = 0; i < rows; i++) {
      values[i] *= factor;
    }
  }
}
