package dev.tidewater.iceberg;

import dev.tidewater.iceberg.FlatColumnWriters.FieldWriter;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.schema.MessageType;

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

  /** The top-level field of {@code message} that holds column {@code field} (by field id). */
  static org.apache.parquet.schema.Type parquetField(MessageType message, Types.NestedField field) {
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
    return FlatColumnWriters.create(desc, position, field);
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
