package dev.tidewater.iceberg;

import dev.tidewater.iceberg.FlatColumnWriters.Column;
import dev.tidewater.iceberg.FlatColumnWriters.FlatWriter;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The flat writers of Parquet logical types: decimals, dates, times, timestamps, strings and
 * binaries, fixed and UUID values. Each reads the vector's buffers by address like the writers of
 * {@link FlatColumnWriters}.
 */
final class LogicalColumnWriters {
  private LogicalColumnWriters() {}

  /**
   * Decimals as Iceberg stores them: unscaled INT32 up to precision 9, INT64 up to 18, big-endian
   * fixed bytes beyond. Arrow holds 128-bit little-endian unscaled values with the same scale.
   */
  static final class DecimalWriter extends FlatWriter {
    private final PrimitiveTypeName physical;
    private final int precision;
    private final int scale;
    private final byte[] fixed;
    private long data;

    DecimalWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
      Types.DecimalType type = (Types.DecimalType) column.type();
      this.physical = desc.getPrimitiveType().getPrimitiveTypeName();
      this.precision = type.precision();
      this.scale = type.scale();
      this.fixed =
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
              ? new byte[desc.getPrimitiveType().getTypeLength()]
              : null;
    }

    @Override
    void bindVector(FieldVector vector) {
      if (!(vector instanceof DecimalVector decimals)
          || decimals.getScale() != scale
          || decimals.getPrecision() > precision) {
        throw mismatch(vector);
      }
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
        return;
      }
      long offset = (long) i * DecimalVector.TYPE_WIDTH;
      switch (physical) {
        case INT32 -> column.writeInteger(repetitionLevel, MemoryUtil.getInt(data + offset));
        case INT64 -> column.writeLong(repetitionLevel, MemoryUtil.getLong(data + offset));
        default -> {
          // The low bytes of the little-endian value, reversed; the value fits in them because
          // the vector's precision is at most the column's.
          int length = fixed.length;
          for (int b = 0; b < length; b++) {
            fixed[length - 1 - b] = MemoryUtil.getByte(data + offset + b);
          }
          column.writeBinary(repetitionLevel, Binary.fromReusedByteArray(fixed));
        }
      }
    }
  }

  static final class DateWriter extends FlatWriter {
    private long data;
    private boolean millis;

    DateWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      if (vector instanceof DateDayVector) {
        millis = false;
      } else if (vector instanceof DateMilliVector) {
        millis = true;
      } else {
        throw mismatch(vector);
      }
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
      } else if (millis) {
        long days = Math.floorDiv(MemoryUtil.getLong(data + (long) i * 8), 86_400_000L);
        column.writeInteger(repetitionLevel, (int) days);
      } else {
        column.writeInteger(repetitionLevel, MemoryUtil.getInt(data + (long) i * 4));
      }
    }
  }

  static final class TimeWriter extends FlatWriter {
    private long data;
    private TimeUnit unit;

    TimeWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      if (vector instanceof TimeMicroVector) {
        unit = TimeUnit.MICROSECOND;
      } else if (vector instanceof TimeMilliVector) {
        unit = TimeUnit.MILLISECOND;
      } else if (vector instanceof TimeSecVector) {
        unit = TimeUnit.SECOND;
      } else if (vector instanceof TimeNanoVector) {
        unit = TimeUnit.NANOSECOND;
      } else {
        throw mismatch(vector);
      }
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
        return;
      }
      long value =
          switch (unit) {
            case MICROSECOND, NANOSECOND -> MemoryUtil.getLong(data + (long) i * 8);
            default -> MemoryUtil.getInt(data + (long) i * 4);
          };
      column.writeLong(repetitionLevel, ArrowValues.toUnit(value, unit, TimeUnit.MICROSECOND));
    }
  }

  static final class TimestampWriter extends FlatWriter {
    private final TimeUnit target;
    private long data;
    private long multiply;
    private long divide;

    TimestampWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
      LogicalTypeAnnotation.TimestampLogicalTypeAnnotation annotation =
          (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation)
              desc.getPrimitiveType().getLogicalTypeAnnotation();
      this.target =
          annotation.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS
              ? TimeUnit.NANOSECOND
              : TimeUnit.MICROSECOND;
    }

    @Override
    void bindVector(FieldVector vector) {
      if (!(vector instanceof TimeStampVector)
          || !(vector.getField().getType() instanceof ArrowType.Timestamp)) {
        throw mismatch(vector);
      }
      TimeUnit unit = ArrowValues.unit(vector);
      long up = ArrowValues.toUnit(1, unit, target);
      // toUnit(1) is 0 when the vector is finer than the column: divide instead.
      multiply = up > 0 ? up : 1;
      divide = up > 0 ? 1 : ArrowValues.toUnit(1, target, unit);
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
        return;
      }
      long value = MemoryUtil.getLong(data + (long) i * 8);
      if (multiply != 1) {
        value *= multiply;
      } else if (divide != 1) {
        value = Math.floorDiv(value, divide);
      }
      column.writeLong(repetitionLevel, value);
    }
  }

  /** Strings and binaries: copies each value's bytes into one reused array. */
  static final class BytesWriter extends FlatWriter {
    private long offsets;
    private long data;
    private boolean large;
    private byte[] buffer = new byte[256];

    BytesWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      boolean string = meta.type().typeId() == Type.TypeID.STRING;
      if (string ? vector instanceof VarCharVector : vector instanceof VarBinaryVector) {
        large = false;
      } else if (string
          ? vector instanceof LargeVarCharVector
          : vector instanceof LargeVarBinaryVector) {
        large = true;
      } else {
        throw mismatch(vector);
      }
      offsets = vector.getOffsetBuffer().memoryAddress();
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
        return;
      }
      long start;
      int length;
      if (large) {
        start = MemoryUtil.getLong(offsets + (long) i * BaseLargeVariableWidthVector.OFFSET_WIDTH);
        length =
            (int)
                (MemoryUtil.getLong(
                        offsets + (long) (i + 1) * BaseLargeVariableWidthVector.OFFSET_WIDTH)
                    - start);
      } else {
        start = MemoryUtil.getInt(offsets + (long) i * BaseVariableWidthVector.OFFSET_WIDTH);
        length =
            MemoryUtil.getInt(offsets + (long) (i + 1) * BaseVariableWidthVector.OFFSET_WIDTH)
                - (int) start;
      }
      if (length > buffer.length) {
        buffer = new byte[Math.max(length, buffer.length * 2)];
      }
      MemoryUtil.copyFromMemory(data + start, buffer, 0, length);
      // Parquet copies reused bytes it keeps (dictionary entries, statistics).
      column.writeBinary(repetitionLevel, Binary.fromReusedByteArray(buffer, 0, length));
    }
  }

  static final class FixedWriter extends FlatWriter {
    private final byte[] buffer;
    private long data;

    FixedWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
      this.buffer = new byte[desc.getPrimitiveType().getTypeLength()];
    }

    @Override
    void bindVector(FieldVector vector) {
      if (!(vector instanceof FixedSizeBinaryVector fixed)
          || fixed.getByteWidth() != buffer.length) {
        throw mismatch(vector);
      }
      data = vector.getDataBuffer().memoryAddress();
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
      } else {
        MemoryUtil.copyFromMemory(data + (long) i * buffer.length, buffer, 0, buffer.length);
        column.writeBinary(repetitionLevel, Binary.fromReusedByteArray(buffer));
      }
    }
  }
}
