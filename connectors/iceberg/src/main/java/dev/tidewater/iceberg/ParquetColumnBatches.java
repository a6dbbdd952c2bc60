package dev.tidewater.iceberg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.parquet.ParquetDictionaryRowGroupFilter;
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
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Reads one Parquet data file into Arrow batches column by column, straight from Parquet's column
 * readers: no row objects. Row groups whose statistics or dictionaries rule out the scan's filter
 * are skipped without reading their pages; rows a delete file removes are skipped while decoding.
 * It takes top-level primitive columns stored the way Iceberg writes their types (with field ids);
 * {@link #layoutsFor} answers null for anything else, which {@link GenericFileBatches} then reads.
 */
final class ParquetColumnBatches implements FileBatches {
  /** How a column's values are decoded into its vector. */
  enum Layout {
    BOOLEAN,
    INT32,
    INT64,
    /** INT32 values of a column promoted to long. */
    INT32_AS_INT64,
    FLOAT,
    DOUBLE,
    /** FLOAT values of a column promoted to double. */
    FLOAT_AS_DOUBLE,
    /** A decimal's unscaled value stored as INT32 or INT64. */
    DECIMAL_LONG,
    /** A decimal's unscaled value as big-endian bytes. */
    DECIMAL_BYTES,
    TIMESTAMP_MILLIS_AS_MICROS,
    BYTES,
    FIXED,
    /** The column is not in the file (added later): nulls. */
    MISSING
  }

  private final ParquetFileReader reader;
  private final MessageType projection;
  private final List<Types.NestedField> fields;
  private final Layout[] layouts;
  private final ColumnDescriptor[] descriptors;
  private final org.apache.arrow.vector.types.pojo.Schema arrowSchema;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final DeletedRows deleted;
  private final ParquetMetricsRowGroupFilter statistics;
  private final ParquetDictionaryRowGroupFilter dictionaries;
  private final MessageType fileSchema;
  private final String createdBy;
  private final ScanCounters counters;
  private final List<BlockMetaData> rowGroups;
  private int nextRowGroup;
  private ColumnReader[] columns;
  private long rowGroupStart;
  private long rowGroupRows;
  private long rowInGroup;
  private long nextRowGroupStart;

  private ParquetColumnBatches(
      ParquetFileReader reader,
      MessageType fileSchema,
      MessageType projection,
      List<Types.NestedField> fields,
      Layout[] layouts,
      Schema tableSchema,
      Expression filter,
      BufferAllocator allocator,
      int batchRows,
      DeletedRows deleted,
      ScanCounters counters) {
    this.reader = reader;
    this.fileSchema = fileSchema;
    this.projection = projection;
    this.fields = fields;
    this.layouts = layouts;
    this.descriptors = new ColumnDescriptor[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      if (layouts[i] != Layout.MISSING) {
        descriptors[i] = column(projection, fields.get(i).fieldId()).descriptor;
      }
    }
    this.arrowSchema = ArrowSchemas.toArrow(new Schema(fields));
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.deleted = deleted;
    this.statistics = new ParquetMetricsRowGroupFilter(tableSchema, filter, false);
    this.dictionaries = new ParquetDictionaryRowGroupFilter(tableSchema, filter, false);
    this.createdBy = reader.getFileMetaData().getCreatedBy();
    this.counters = counters;
    this.rowGroups = reader.getRowGroups();
  }

  /**
   * Opens {@code file} for reading {@code fields} (top-level columns of {@code tableSchema}), or
   * answers null, having read only the footer, when a column needs the generic reader.
   */
  static ParquetColumnBatches open(
      org.apache.iceberg.io.InputFile file,
      List<Types.NestedField> fields,
      Map<Integer, ?> constants,
      Schema tableSchema,
      Expression filter,
      BufferAllocator allocator,
      int batchRows,
      DeletedRows deleted,
      ScanCounters counters)
      throws IOException {
    ParquetFileReader reader =
        new ParquetFileReader(ParquetInputFiles.of(file), ParquetReadOptions.builder().build());
    try {
      MessageType fileSchema = reader.getFileMetaData().getSchema();
      Layout[] layouts = layoutsFor(fileSchema, fields, constants);
      if (layouts == null) {
        reader.close();
        return null;
      }
      List<org.apache.parquet.schema.Type> columns = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        if (layouts[i] != Layout.MISSING) {
          columns.add(column(fileSchema, fields.get(i).fieldId()).type);
        }
      }
      MessageType projection = new MessageType(fileSchema.getName(), columns);
      reader.setRequestedSchema(projection);
      return new ParquetColumnBatches(
          reader,
          fileSchema,
          projection,
          fields,
          layouts,
          tableSchema,
          filter,
          allocator,
          batchRows,
          deleted,
          counters);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The layout of each field in a file with this schema, or null when one is not supported. */
  static Layout[] layoutsFor(
      MessageType fileSchema, List<Types.NestedField> fields, Map<Integer, ?> constants) {
    Layout[] layouts = new Layout[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      Types.NestedField field = fields.get(i);
      if (!field.type().isPrimitiveType()) {
        return null;
      }
      FileColumn column = column(fileSchema, field.fieldId());
      if (column == null) {
        if (hasAnyWithoutId(fileSchema) || constants.containsKey(field.fieldId())) {
          return null; // a file without field ids, or a partition value not stored in the file
        }
        layouts[i] = Layout.MISSING;
        continue;
      }
      layouts[i] = layout(field.type(), column.type.asPrimitiveType());
      if (layouts[i] == null) {
        return null;
      }
    }
    return layouts;
  }

  @Override
  public VectorSchemaRoot next() throws IOException {
    while (rowInGroup >= rowGroupRows) {
      if (!advanceRowGroup()) {
        return null;
      }
    }
    int rows = (int) Math.min(batchRows, rowGroupRows - rowInGroup);
    long firstPosition = rowGroupStart + rowInGroup;
    boolean[] skip = deleted.mask(firstPosition, rows);
    int kept = rows;
    if (skip != null) {
      for (boolean s : skip) {
        if (s) {
          kept--;
        }
      }
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema, allocator);
    try {
      for (int i = 0; i < fields.size(); i++) {
        FieldVector vector = root.getVector(i);
        allocate(vector, kept);
        // a missing column stays null: fresh validity buffers are zeroed
        if (layouts[i] != Layout.MISSING) {
          decode(
              columns[i], descriptors[i].getMaxDefinitionLevel(), layouts[i], vector, rows, skip);
        }
        vector.setValueCount(kept);
      }
      root.setRowCount(kept);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
    rowInGroup += rows;
    counters.rows(rows, rows - kept);
    return root;
  }

  /** Moves to the next row group that statistics and dictionaries cannot rule out. */
  private boolean advanceRowGroup() throws IOException {
    while (nextRowGroup < rowGroups.size()) {
      BlockMetaData rowGroup = rowGroups.get(nextRowGroup++);
      long start = nextRowGroupStart;
      nextRowGroupStart += rowGroup.getRowCount();
      boolean read =
          statistics.shouldRead(fileSchema, rowGroup)
              && dictionaries.shouldRead(
                  fileSchema, rowGroup, reader.getDictionaryReader(rowGroup));
      if (!read || deleted.allDeleted(start, rowGroup.getRowCount())) {
        reader.skipNextRowGroup();
        counters.rowGroupSkipped();
        continue;
      }
      PageReadStore pages = reader.readNextRowGroup();
      long bytes = 0;
      for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
        bytes += chunk.getTotalSize();
      }
      counters.rowGroupRead(bytes);
      ColumnReadStoreImpl store =
          new ColumnReadStoreImpl(pages, NoConverter.GROUP, projection, createdBy);
      columns = new ColumnReader[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        if (descriptors[i] != null) {
          columns[i] = store.getColumnReader(descriptors[i]);
        }
      }
      rowGroupStart = start;
      rowGroupRows = rowGroup.getRowCount();
      rowInGroup = 0;
      return true;
    }
    return false;
  }

  private static void allocate(FieldVector vector, int rows) {
    if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.allocateNew(Math.max(rows, 1));
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.allocateNew((long) Math.max(rows, 1) * 16, Math.max(rows, 1));
    } else {
      vector.allocateNew();
    }
  }

  /**
   * Decodes {@code rows} values of one column into {@code vector}, leaving out the rows {@code
   * skip} marks (null: none). One loop per layout, so that each stays small and monomorphic.
   */
  private static void decode(
      ColumnReader column,
      int maxDefinition,
      Layout layout,
      FieldVector vector,
      int rows,
      boolean[] skip) {
    int out = 0;
    switch (layout) {
      case INT64 -> {
        BigIntVector target = vector instanceof BigIntVector v ? v : null;
        TimeMicroVector time = vector instanceof TimeMicroVector v ? v : null;
        TimeStampVector stamp = vector instanceof TimeStampVector v ? v : null;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              long value = column.getLong();
              if (target != null) {
                target.set(out, value);
              } else if (stamp != null) {
                stamp.set(out, value);
              } else {
                time.set(out, value);
              }
            }
            out++;
          }
          column.consume();
        }
      }
      case INT32_AS_INT64 -> {
        BigIntVector target = (BigIntVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getInteger());
            }
            out++;
          }
          column.consume();
        }
      }
      case INT32 -> {
        IntVector ints = vector instanceof IntVector v ? v : null;
        DateDayVector days = vector instanceof DateDayVector v ? v : null;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              int value = column.getInteger();
              if (ints != null) {
                ints.set(out, value);
              } else {
                days.set(out, value);
              }
            }
            out++;
          }
          column.consume();
        }
      }
      case BOOLEAN -> {
        BitVector target = (BitVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getBoolean() ? 1 : 0);
            }
            out++;
          }
          column.consume();
        }
      }
      case FLOAT -> {
        Float4Vector target = (Float4Vector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getFloat());
            }
            out++;
          }
          column.consume();
        }
      }
      case DOUBLE, FLOAT_AS_DOUBLE -> {
        Float8Vector target = (Float8Vector) vector;
        boolean promoted = layout == Layout.FLOAT_AS_DOUBLE;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, promoted ? column.getFloat() : column.getDouble());
            }
            out++;
          }
          column.consume();
        }
      }
      case DECIMAL_LONG -> {
        DecimalVector target = (DecimalVector) vector;
        boolean int32 =
            column.getDescriptor().getPrimitiveType().getPrimitiveTypeName()
                == PrimitiveTypeName.INT32;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, int32 ? column.getInteger() : column.getLong());
            }
            out++;
          }
          column.consume();
        }
      }
      case DECIMAL_BYTES -> {
        DecimalVector target = (DecimalVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.setBigEndian(out, column.getBinary().getBytes());
            }
            out++;
          }
          column.consume();
        }
      }
      case TIMESTAMP_MILLIS_AS_MICROS -> {
        TimeStampVector target = (TimeStampVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, Math.multiplyExact(column.getLong(), 1_000L));
            }
            out++;
          }
          column.consume();
        }
      }
      case BYTES -> {
        BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              java.nio.ByteBuffer value = column.getBinary().toByteBuffer();
              target.setSafe(out, value, value.position(), value.remaining());
            }
            out++;
          }
          column.consume();
        }
      }
      case FIXED -> {
        FixedSizeBinaryVector target = (FixedSizeBinaryVector) vector;
        for (int row = 0; row < rows; row++) {
          boolean defined = column.getCurrentDefinitionLevel() == maxDefinition;
          if (skip != null && skip[row]) {
            if (defined) {
              column.skip();
            }
          } else {
            if (defined) {
              target.set(out, column.getBinary().getBytes());
            }
            out++;
          }
          column.consume();
        }
      }
      case MISSING -> throw new IllegalStateException("a missing column has no reader");
    }
  }

  /** How {@code type} is read from a file column stored as Iceberg writes it; null otherwise. */
  private static Layout layout(Type type, PrimitiveType column) {
    if (column.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
      return null;
    }
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
        yield physical == PrimitiveTypeName.INT64
            ? Layout.INT64
            : physical == PrimitiveTypeName.INT32 ? Layout.INT32_AS_INT64 : null;
      }
      case FLOAT -> physical == PrimitiveTypeName.FLOAT ? Layout.FLOAT : null;
      case DOUBLE ->
          physical == PrimitiveTypeName.DOUBLE
              ? Layout.DOUBLE
              : physical == PrimitiveTypeName.FLOAT ? Layout.FLOAT_AS_DOUBLE : null;
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
      case TIMESTAMP -> {
        if (physical != PrimitiveTypeName.INT64
            || !(logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation stamp)) {
          yield null;
        }
        yield switch (stamp.getUnit()) {
          case MICROS -> Layout.INT64;
          case MILLIS -> Layout.TIMESTAMP_MILLIS_AS_MICROS;
          case NANOS -> null;
        };
      }
      case TIMESTAMP_NANO ->
          physical == PrimitiveTypeName.INT64
                  && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation stamp
                  && stamp.getUnit() == LogicalTypeAnnotation.TimeUnit.NANOS
              ? Layout.INT64
              : null;
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        if (!(logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation stored)
            || stored.getScale() != decimal.scale()
            || stored.getPrecision() > decimal.precision()) {
          yield null;
        }
        yield switch (physical) {
          case INT32, INT64 -> Layout.DECIMAL_LONG;
          case FIXED_LEN_BYTE_ARRAY, BINARY -> Layout.DECIMAL_BYTES;
          default -> null;
        };
      }
      case STRING, BINARY -> physical == PrimitiveTypeName.BINARY ? Layout.BYTES : null;
      case FIXED ->
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                  && column.getTypeLength() == ((Types.FixedType) type).length()
              ? Layout.FIXED
              : null;
      case UUID ->
          physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && column.getTypeLength() == 16
              ? Layout.FIXED
              : null;
      default -> null;
    };
  }

  private static boolean isPlainInteger(LogicalTypeAnnotation logical) {
    return logical == null
        || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
            && integer.isSigned();
  }

  private record FileColumn(org.apache.parquet.schema.Type type, ColumnDescriptor descriptor) {}

  private static FileColumn column(MessageType schema, int fieldId) {
    for (org.apache.parquet.schema.Type column : schema.getFields()) {
      if (column.getId() != null && column.getId().intValue() == fieldId && column.isPrimitive()) {
        return new FileColumn(column, schema.getColumnDescription(new String[] {column.getName()}));
      }
    }
    return null;
  }

  private static boolean hasAnyWithoutId(MessageType schema) {
    for (org.apache.parquet.schema.Type column : schema.getFields()) {
      if (column.getId() == null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    reader.close();
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
}
