package dev.tidewater.iceberg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.parquet.ParquetMetricsRowGroupFilter;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Reads the MERGE key columns of one Parquet data file straight from Parquet's column readers: no
 * row objects, values go from the pages into the binary key. It takes the common layouts —
 * top-level columns with Iceberg field ids, stored the way Iceberg writes the column's type — and
 * declines anything else (decimals, files without ids, a key column added after the file was
 * written, millisecond timestamps of imported files), which Iceberg's general reader then reads.
 */
final class ParquetKeyReader {
  private ParquetKeyReader() {}

  /** Receives each row whose key columns are all set; {@code key} is reused. */
  @FunctionalInterface
  interface RowSink {
    void accept(long position, MergeKeys.Buffer key);
  }

  private enum Layout {
    BOOLEAN,
    INT32,
    INT64,
    BYTES
  }

  /**
   * Reads the keys of {@code file} into {@code sink}, skipping row groups whose statistics rule out
   * {@code filter} (over {@code keySchema}, the key columns); false, having read nothing, when the
   * file's layout needs Iceberg's general reader.
   */
  static boolean read(
      org.apache.iceberg.io.InputFile file,
      MergeKeys keys,
      Schema keySchema,
      Expression filter,
      RowSink sink)
      throws IOException {
    try (ParquetFileReader reader =
        new ParquetFileReader(new IcebergInputFile(file), ParquetReadOptions.builder().build())) {
      MessageType fileSchema = reader.getFileMetaData().getSchema();
      List<Types.NestedField> fields = keys.fields();
      List<org.apache.parquet.schema.Type> columns = new ArrayList<>();
      Layout[] layouts = new Layout[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        PrimitiveType column = column(fileSchema, fields.get(i).fieldId());
        layouts[i] = column == null ? null : layout(fields.get(i).type(), column);
        if (layouts[i] == null) {
          return false;
        }
        columns.add(column);
      }
      MessageType projection = new MessageType(fileSchema.getName(), columns);
      reader.setRequestedSchema(projection);
      ColumnDescriptor[] descriptors = new ColumnDescriptor[columns.size()];
      int[] maxDefinition = new int[columns.size()];
      for (int i = 0; i < descriptors.length; i++) {
        descriptors[i] = projection.getColumnDescription(new String[] {columns.get(i).getName()});
        maxDefinition[i] = descriptors[i].getMaxDefinitionLevel();
      }
      ParquetMetricsRowGroupFilter statistics = new ParquetMetricsRowGroupFilter(keySchema, filter);
      String createdBy = reader.getFileMetaData().getCreatedBy();
      MergeKeys.Buffer key = new MergeKeys.Buffer();
      ColumnReader[] readers = new ColumnReader[descriptors.length];
      long rowGroupStart = 0;
      for (BlockMetaData rowGroup : reader.getRowGroups()) {
        long rows = rowGroup.getRowCount();
        if (!statistics.shouldRead(fileSchema, rowGroup)) {
          reader.skipNextRowGroup();
          rowGroupStart += rows;
          continue;
        }
        PageReadStore pages = reader.readNextRowGroup();
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(pages, NoConverter.GROUP, projection, createdBy);
        for (int i = 0; i < readers.length; i++) {
          readers[i] = store.getColumnReader(descriptors[i]);
        }
        for (long row = 0; row < rows; row++) {
          key.reset();
          boolean complete = true;
          for (int i = 0; i < readers.length; i++) {
            ColumnReader column = readers[i];
            if (column.getCurrentDefinitionLevel() < maxDefinition[i]) {
              complete = false;
            } else if (!complete) {
              // a set value must be read or skipped before the reader moves on
              column.skip();
            } else {
              switch (layouts[i]) {
                case INT64 -> key.putLong(column.getLong());
                case INT32 -> key.putLong(column.getInteger());
                case BOOLEAN -> key.putLong(column.getBoolean() ? 1 : 0);
                case BYTES -> key.putBytes(column.getBinary());
              }
            }
            column.consume();
          }
          if (complete) {
            sink.accept(rowGroupStart + row, key);
          }
        }
        rowGroupStart += rows;
      }
      return true;
    }
  }

  private static PrimitiveType column(MessageType fileSchema, int fieldId) {
    for (org.apache.parquet.schema.Type column : fileSchema.getFields()) {
      if (column.getId() != null
          && column.getId().intValue() == fieldId
          && column.isPrimitive()
          && !column.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
        return column.asPrimitiveType();
      }
    }
    return null;
  }

  /** How a key column is read, when the file stores it as Iceberg writes its type; else null. */
  private static Layout layout(Type type, PrimitiveType column) {
    PrimitiveTypeName physical = column.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
    return switch (type.typeId()) {
      case BOOLEAN -> physical == PrimitiveTypeName.BOOLEAN ? Layout.BOOLEAN : null;
      case INTEGER ->
          physical == PrimitiveTypeName.INT32 && isPlainInteger(logical) ? Layout.INT32 : null;
      case LONG -> {
        if (!isPlainInteger(logical)) {
          yield null;
        }
        // an int column promoted to long keeps its INT32 values in older files
        yield physical == PrimitiveTypeName.INT64
            ? Layout.INT64
            : physical == PrimitiveTypeName.INT32 ? Layout.INT32 : null;
      }
      case DATE ->
          physical == PrimitiveTypeName.INT32
                  && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
              ? Layout.INT32
              : null;
      case TIME ->
          physical == PrimitiveTypeName.INT64
                  && logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time
                  && time.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS
              ? Layout.INT64
              : null;
      case TIMESTAMP, TIMESTAMP_NANO -> {
        LogicalTypeAnnotation.TimeUnit unit =
            type.typeId() == Type.TypeID.TIMESTAMP
                ? LogicalTypeAnnotation.TimeUnit.MICROS
                : LogicalTypeAnnotation.TimeUnit.NANOS;
        yield physical == PrimitiveTypeName.INT64
                && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation stamp
                && stamp.getUnit() == unit
            ? Layout.INT64
            : null;
      }
      case STRING, BINARY -> physical == PrimitiveTypeName.BINARY ? Layout.BYTES : null;
      case FIXED -> physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? Layout.BYTES : null;
      case UUID ->
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && column.getTypeLength() == 16
              ? Layout.BYTES
              : null;
      default -> null;
    };
  }

  private static boolean isPlainInteger(LogicalTypeAnnotation logical) {
    return logical == null
        || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
            && integer.isSigned();
  }

  /** Converters are needed to build column readers, but values are read from the readers. */
  private static final class NoConverter extends PrimitiveConverter {
    static final GroupConverter GROUP =
        new GroupConverter() {
          @Override
          public Converter getConverter(int fieldIndex) {
            return new NoConverter();
          }

          @Override
          public void start() {}

          @Override
          public void end() {}
        };

    @Override
    public void addBinary(Binary value) {}
  }

  /** An Iceberg input file as Parquet's {@link InputFile}. */
  private record IcebergInputFile(org.apache.iceberg.io.InputFile file) implements InputFile {
    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public SeekableInputStream newStream() {
      org.apache.iceberg.io.SeekableInputStream stream = file.newStream();
      return new DelegatingSeekableInputStream(stream) {
        @Override
        public long getPos() throws IOException {
          return stream.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
          stream.seek(newPos);
        }
      };
    }
  }
}
