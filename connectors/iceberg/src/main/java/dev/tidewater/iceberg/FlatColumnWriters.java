package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.stream.Stream;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.FloatFieldMetrics;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;

/**
 * The writers of flat (primitive) columns: each checks validity from the vector's bitmap, reads
 * values from the vector's buffers by address and writes them through the typed {@code
 * column.writeX} methods, so nothing is boxed. {@link ArrowParquetWriters} picks one per column.
 */
final class FlatColumnWriters {
  private FlatColumnWriters() {}

  /** The writer of one flat top-level column at {@code position} of the table schema. */
  static FieldWriter create(ColumnDescriptor desc, int position, Types.NestedField field) {
    Column column = new Column(position, field);
    return switch (field.type().typeId()) {
      case BOOLEAN -> new BooleanWriter(desc, column);
      case INTEGER -> new IntWriter(desc, column);
      case LONG -> new LongWriter(desc, column);
      case FLOAT -> new FloatWriter(desc, column);
      case DOUBLE -> new DoubleWriter(desc, column);
      case DECIMAL -> new LogicalColumnWriters.DecimalWriter(desc, column);
      case DATE -> new LogicalColumnWriters.DateWriter(desc, column);
      case TIME -> new LogicalColumnWriters.TimeWriter(desc, column);
      case TIMESTAMP, TIMESTAMP_NANO -> new LogicalColumnWriters.TimestampWriter(desc, column);
      case STRING, BINARY -> new LogicalColumnWriters.BytesWriter(desc, column);
      case FIXED, UUID -> new LogicalColumnWriters.FixedWriter(desc, column);
      default ->
          throw TidewaterException.user(
              "column '%s' has Iceberg type %s, which Tidewater cannot write yet",
              field.name(), field.type());
    };
  }

  /** A writer of one top-level column. */
  interface FieldWriter extends ParquetValueWriter<ArrowRow> {
    /** The column's position in the table schema and in {@link ArrowRow}. */
    int position();

    /** Reads from {@code vector} from now on; null when the batch lacks the column. */
    void bind(FieldVector vector);
  }

  record Column(int position, Types.NestedField field) {
    String name() {
      return field.name();
    }

    Type type() {
      return field.type();
    }
  }

  /**
   * A flat column: checks validity from the vector's bitmap and writes nulls; subclasses write
   * values through the typed {@code column.writeX} methods, so nothing is boxed.
   */
  abstract static class FlatWriter extends ParquetValueWriters.PrimitiveWriter<ArrowRow>
      implements FieldWriter {
    final Column meta;
    private final int nullLevel;
    private long validity;
    private boolean absent = true;
    private boolean mayHaveNulls;
    long nullCount;

    FlatWriter(ColumnDescriptor desc, Column column) {
      super(desc);
      this.meta = column;
      this.nullLevel = desc.getMaxDefinitionLevel() - 1;
    }

    @Override
    public final int position() {
      return meta.position();
    }

    @Override
    public final void bind(FieldVector vector) {
      absent = vector == null;
      if (!absent) {
        validity = vector.getValidityBuffer().memoryAddress();
        mayHaveNulls = vector.getNullCount() > 0;
        bindVector(vector);
      }
    }

    abstract void bindVector(FieldVector vector);

    final boolean isNull(int index) {
      return absent
          || (mayHaveNulls
              && ((MemoryUtil.getByte(validity + (index >>> 3)) >> (index & 7)) & 1) == 0);
    }

    final void writeNull(int repetitionLevel) {
      nullCount++;
      column.writeNull(repetitionLevel, nullLevel);
    }

    final TidewaterException mismatch(FieldVector vector) {
      return ArrowValues.mismatch(vector, meta.type(), meta.name());
    }
  }

  static final class BooleanWriter extends FlatWriter {
    private long data;

    BooleanWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      if (!(vector instanceof BitVector)) {
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
        column.writeBoolean(
            repetitionLevel, ((MemoryUtil.getByte(data + (i >>> 3)) >> (i & 7)) & 1) != 0);
      }
    }
  }

  static final class IntWriter extends FlatWriter {
    private long data;
    private BaseIntVector other;

    IntWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      if (vector instanceof IntVector) {
        data = vector.getDataBuffer().memoryAddress();
        other = null;
      } else if (vector instanceof BaseIntVector integers) {
        other = integers;
      } else {
        throw mismatch(vector);
      }
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
      } else if (other == null) {
        column.writeInteger(repetitionLevel, MemoryUtil.getInt(data + (long) i * 4));
      } else {
        column.writeInteger(repetitionLevel, (int) other.getValueAsLong(i));
      }
    }
  }

  static final class LongWriter extends FlatWriter {
    private long data;
    private BaseIntVector other;

    LongWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
    }

    @Override
    void bindVector(FieldVector vector) {
      if (vector instanceof BigIntVector) {
        data = vector.getDataBuffer().memoryAddress();
        other = null;
      } else if (vector instanceof BaseIntVector integers) {
        other = integers;
      } else {
        throw mismatch(vector);
      }
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      int i = row.index();
      if (isNull(i)) {
        writeNull(repetitionLevel);
      } else if (other == null) {
        column.writeLong(repetitionLevel, MemoryUtil.getLong(data + (long) i * 8));
      } else {
        column.writeLong(repetitionLevel, other.getValueAsLong(i));
      }
    }
  }

  static final class FloatWriter extends FlatWriter {
    private final FloatFieldMetrics.Builder metrics;
    private long data;

    FloatWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
      this.metrics = new FloatFieldMetrics.Builder(column.field().fieldId());
    }

    @Override
    void bindVector(FieldVector vector) {
      if (!(vector instanceof Float4Vector)) {
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
        float value = Float.intBitsToFloat(MemoryUtil.getInt(data + (long) i * 4));
        column.writeFloat(repetitionLevel, value);
        metrics.addValue(value);
      }
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
      return Stream.of(withNulls(metrics.build(), nullCount));
    }
  }

  static final class DoubleWriter extends FlatWriter {
    private final DoubleFieldMetrics.Builder metrics;
    private long data;
    private boolean single;

    DoubleWriter(ColumnDescriptor desc, Column column) {
      super(desc, column);
      this.metrics = new DoubleFieldMetrics.Builder(column.field().fieldId());
    }

    @Override
    void bindVector(FieldVector vector) {
      if (vector instanceof Float8Vector) {
        single = false;
      } else if (vector instanceof Float4Vector) {
        single = true;
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
      } else {
        double value =
            single
                ? Float.intBitsToFloat(MemoryUtil.getInt(data + (long) i * 4))
                : Double.longBitsToDouble(MemoryUtil.getLong(data + (long) i * 8));
        column.writeDouble(repetitionLevel, value);
        metrics.addValue(value);
      }
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
      return Stream.of(withNulls(metrics.build(), nullCount));
    }
  }

  /** Adds the nulls a float metrics builder does not see, as Iceberg's option writer does. */
  private static <T> FieldMetrics<T> withNulls(FieldMetrics<T> metrics, long nulls) {
    return new FieldMetrics<>(
        metrics.id(),
        metrics.valueCount() + nulls,
        nulls,
        metrics.nanValueCount(),
        metrics.lowerBound(),
        metrics.upperBound(),
        metrics.originalType());
  }
}
