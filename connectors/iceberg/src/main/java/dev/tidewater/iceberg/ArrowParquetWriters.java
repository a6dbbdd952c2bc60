package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
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
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.FloatFieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Parquet value writers that read straight from Arrow vectors through an {@link ArrowRow} cursor:
 * one writer per top-level column, no per-row objects except for nested columns, which take the
 * general path through Iceberg's own {@link InternalWriter}. Iceberg's {@code ParquetWriter} around
 * them keeps the file format, metrics and data-file statistics exactly Iceberg's.
 *
 * <p>Flat writers read the vectors' buffers by address, without Arrow's per-access bounds and
 * reference-count checks: {@link ParquetBatchSink} checks once per batch that every vector holds at
 * least the batch's row count, and rows are only read below it.
 */
final class ArrowParquetWriters {
  private ArrowParquetWriters() {}

  /** The writer of whole rows of {@code schema}, whose Parquet type is {@code message}. */
  static RowWriter create(Schema schema, MessageType message) {
    List<Types.NestedField> columns = schema.columns();
    List<FieldWriter> writers = new ArrayList<>(columns.size());
    for (int position = 0; position < columns.size(); position++) {
      Types.NestedField field = columns.get(position);
      org.apache.parquet.schema.Type parquetField = parquetField(message, field);
      writers.add(columnWriter(position, field, message, parquetField));
    }
    return new RowWriter(writers);
  }

  private static org.apache.parquet.schema.Type parquetField(
      MessageType message, Types.NestedField field) {
    for (org.apache.parquet.schema.Type candidate : message.getFields()) {
      if (candidate.getId() != null && candidate.getId().intValue() == field.fieldId()) {
        return candidate;
      }
    }
    throw TidewaterException.internal(
        null,
        "column '%s' (id %d) is missing from the Parquet schema",
        field.name(),
        field.fieldId());
  }

  private static FieldWriter columnWriter(
      int position,
      Types.NestedField field,
      MessageType message,
      org.apache.parquet.schema.Type parquetField) {
    if (!parquetField.isPrimitive()) {
      return new NestedWriter(position, field, parquetField);
    }
    ColumnDescriptor desc = message.getColumnDescription(new String[] {parquetField.getName()});
    Column column = new Column(position, field);
    return switch (field.type().typeId()) {
      case BOOLEAN -> new BooleanWriter(desc, column);
      case INTEGER -> new IntWriter(desc, column);
      case LONG -> new LongWriter(desc, column);
      case FLOAT -> new FloatWriter(desc, column);
      case DOUBLE -> new DoubleWriter(desc, column);
      case DECIMAL -> new DecimalWriter(desc, column);
      case DATE -> new DateWriter(desc, column);
      case TIME -> new TimeWriter(desc, column);
      case TIMESTAMP, TIMESTAMP_NANO -> new TimestampWriter(desc, column);
      case STRING, BINARY -> new BytesWriter(desc, column);
      case FIXED, UUID -> new FixedWriter(desc, column);
      default ->
          throw TidewaterException.user(
              "column '%s' has Iceberg type %s, which Tidewater cannot write yet",
              field.name(), field.type());
    };
  }

  /** Writes rows; binds every column writer to the vectors of each new batch once. */
  static final class RowWriter implements ParquetValueWriter<ArrowRow> {
    private final FieldWriter[] writers;
    private final List<TripleWriter<?>> columns;
    private int boundBatch = -1;

    private RowWriter(List<FieldWriter> writers) {
      this.writers = writers.toArray(new FieldWriter[0]);
      List<TripleWriter<?>> all = new ArrayList<>();
      for (FieldWriter writer : writers) {
        all.addAll(writer.columns());
      }
      this.columns = List.copyOf(all);
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      if (row.batch() != boundBatch) {
        for (FieldWriter writer : writers) {
          writer.bind(row.vector(writer.position()));
        }
        boundBatch = row.batch();
      }
      for (FieldWriter writer : writers) {
        writer.write(repetitionLevel, row);
      }
    }

    @Override
    public List<TripleWriter<?>> columns() {
      return columns;
    }

    @Override
    public void setColumnStore(ColumnWriteStore columnStore) {
      for (FieldWriter writer : writers) {
        writer.setColumnStore(columnStore);
      }
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
      return Arrays.stream(writers).flatMap(ParquetValueWriter::metrics);
    }
  }

  /** A writer of one top-level column. */
  private interface FieldWriter extends ParquetValueWriter<ArrowRow> {
    /** The column's position in the table schema and in {@link ArrowRow}. */
    int position();

    /** Reads from {@code vector} from now on; null when the batch lacks the column. */
    void bind(FieldVector vector);
  }

  private record Column(int position, Types.NestedField field) {
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
  private abstract static class FlatWriter extends ParquetValueWriters.PrimitiveWriter<ArrowRow>
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

  private static final class BooleanWriter extends FlatWriter {
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

  private static final class IntWriter extends FlatWriter {
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

  private static final class LongWriter extends FlatWriter {
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

  private static final class FloatWriter extends FlatWriter {
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

  private static final class DoubleWriter extends FlatWriter {
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

  /**
   * Decimals as Iceberg stores them: unscaled INT32 up to precision 9, INT64 up to 18, big-endian
   * fixed bytes beyond. Arrow holds 128-bit little-endian unscaled values with the same scale.
   */
  private static final class DecimalWriter extends FlatWriter {
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

  private static final class DateWriter extends FlatWriter {
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

  private static final class TimeWriter extends FlatWriter {
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

  private static final class TimestampWriter extends FlatWriter {
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
  private static final class BytesWriter extends FlatWriter {
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

  private static final class FixedWriter extends FlatWriter {
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

  /**
   * A struct, list or map column: converts each value to Iceberg's internal objects and writes it
   * with Iceberg's own writer for that one field. Correct for any nesting; not fast.
   */
  private static final class NestedWriter implements FieldWriter {
    private final int position;
    private final Types.NestedField field;
    private final ParquetValueWriter<StructLike> delegate;
    private final OneValue holder = new OneValue();
    private FieldVector vector;

    NestedWriter(int position, Types.NestedField field, org.apache.parquet.schema.Type parquet) {
      this.position = position;
      this.field = field;
      // A top-level field has the same definition and repetition levels, and column paths, in a
      // message of its own as in the table's message.
      this.delegate =
          InternalWriter.create(Types.StructType.of(field), new MessageType("table", parquet));
    }

    @Override
    public int position() {
      return position;
    }

    @Override
    public void bind(FieldVector newVector) {
      this.vector = newVector;
    }

    @Override
    public void write(int repetitionLevel, ArrowRow row) {
      holder.value = ArrowValues.toInternal(vector, row.index(), field.type(), field.name());
      delegate.write(repetitionLevel, holder);
    }

    @Override
    public List<TripleWriter<?>> columns() {
      return delegate.columns();
    }

    @Override
    public void setColumnStore(ColumnWriteStore columnStore) {
      delegate.setColumnStore(columnStore);
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
      return delegate.metrics();
    }
  }

  /** A struct of one field, to hand a nested value to Iceberg's writer of that field. */
  private static final class OneValue implements StructLike {
    private Object value;

    @Override
    public int size() {
      return 1;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(value);
    }

    @Override
    public <T> void set(int pos, T newValue) {
      this.value = newValue;
    }
  }
}
