package dev.tidewater.iceberg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.parquet.ParquetDictionaryRowGroupFilter;
import org.apache.iceberg.parquet.ParquetMetricsRowGroupFilter;
import org.apache.iceberg.types.Types;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one Parquet data file into Arrow batches column by column, straight from Parquet's column
 * readers: no row objects. Row groups whose statistics or dictionaries rule out the scan's filter
 * are skipped without reading their pages; rows a delete file removes are skipped while decoding.
 * It takes top-level primitive columns stored the way Iceberg writes their types (with field ids);
 * {@link ColumnLayout#forFields} answers null for anything else, which {@link GenericFileBatches}
 * then reads.
 */
final class ParquetColumnBatches implements FileBatches {
  private final ParquetFileReader reader;
  private final MessageType projection;
  private final List<Types.NestedField> fields;
  private final ColumnLayout[] layouts;
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
  private final Decoding decoding;
  private final String fileName;

  /** Per field: read as dictionary ids ({@link ColumnDictionary}) instead of values. */
  private final boolean[] encoded;

  private final ColumnDictionary[] batchDictionaries;
  private ColumnReader[] columns;
  private PageColumnDecoder[] pageDecoders;
  private int pageDecodedChunks;
  private long rowGroupStart;
  private long rowGroupRows;
  private long rowInGroup;
  private long nextRowGroupStart;

  private ParquetColumnBatches(
      ParquetFileReader reader,
      MessageType fileSchema,
      MessageType projection,
      List<Types.NestedField> fields,
      ColumnLayout[] layouts,
      Schema tableSchema,
      Expression filter,
      BufferAllocator allocator,
      int batchRows,
      DeletedRows deleted,
      ScanCounters counters,
      Decoding decoding,
      String fileName,
      boolean[] encoded) {
    this.reader = reader;
    this.encoded = encoded == null ? new boolean[fields.size()] : encoded.clone();
    this.batchDictionaries = new ColumnDictionary[fields.size()];
    this.decoding = decoding;
    this.fileName = fileName;
    this.fileSchema = fileSchema;
    this.projection = projection;
    this.fields = fields;
    this.layouts = layouts;
    this.descriptors = new ColumnDescriptor[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      if (layouts[i] != ColumnLayout.MISSING) {
        descriptors[i] = ColumnLayout.column(projection, fields.get(i).fieldId()).descriptor();
      }
    }
    this.arrowSchema = IcebergBatchScan.batchSchema(new Schema(fields), this.encoded);
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
    return open(
        file,
        fields,
        constants,
        tableSchema,
        filter,
        allocator,
        batchRows,
        deleted,
        counters,
        Decoding.PAGES,
        null);
  }

  /**
   * The dictionary size a copy-on-write rewrite of this file needs ({@link RewriteDictionaries}),
   * read through this reader's open file before the first row group.
   */
  long rewriteDictionaryLimit(long configured) throws IOException {
    return RewriteDictionaries.limit(reader, configured);
  }

  /** How column chunks are decoded. */
  enum Decoding {
    /** Page by page into Arrow buffers where {@link PageColumnDecoder} takes the chunk. */
    PAGES,
    /** Value by value through parquet-java's column readers ({@link ColumnDecoder}). */
    COLUMN_READER
  }

  /**
   * {@link #open} with the decoding chosen (tests compare the two), and the byte-string fields
   * {@code encoded} marks (null: none) read as dictionary ids: see {@link #dictionary}.
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
      ScanCounters counters,
      Decoding decoding,
      boolean[] encoded)
      throws IOException {
    ParquetFileReader reader =
        new ParquetFileReader(ParquetInputFiles.of(file), ParquetReadOptions.builder().build());
    try {
      MessageType fileSchema = reader.getFileMetaData().getSchema();
      ColumnLayout[] layouts = ColumnLayout.forFields(fileSchema, fields, constants);
      if (layouts == null) {
        reader.close();
        return null;
      }
      List<org.apache.parquet.schema.Type> columns = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        if (layouts[i] != ColumnLayout.MISSING) {
          columns.add(ColumnLayout.column(fileSchema, fields.get(i).fieldId()).type());
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
          counters,
          decoding,
          file.location(),
          encoded);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
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
        ColumnDecoder.allocate(vector, kept);
        // a missing column stays null: fresh validity buffers are zeroed
        if (encoded[i]) {
          batchDictionaries[i] = decodeIds(i, (IntVector) vector, rows, kept, skip);
        } else if (pageDecoders[i] != null) {
          pageDecoders[i].decode(vector, rows, skip);
        } else if (layouts[i] != ColumnLayout.MISSING) {
          ColumnDecoder.decode(
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

  /**
   * Decodes field {@code i}'s next rows as dictionary ids: page by page where the decoder takes the
   * chunk, else values through the column reader, each value then an entry of its own.
   */
  private ColumnDictionary decodeIds(int i, IntVector ids, int rows, int kept, boolean[] skip) {
    if (pageDecoders[i] != null) {
      return pageDecoders[i].decodeIds(ids, rows, skip);
    }
    if (layouts[i] == ColumnLayout.MISSING) {
      return ColumnDictionary.EMPTY;
    }
    Field field = ArrowSchemas.toArrow(new Schema(fields.get(i))).getFields().get(0);
    try (FieldVector values = field.createVector(allocator)) {
      ColumnDecoder.allocate(values, kept);
      ColumnDecoder.decode(
          columns[i], descriptors[i].getMaxDefinitionLevel(), layouts[i], values, rows, skip);
      values.setValueCount(kept);
      return ColumnDictionary.encode((BaseVariableWidthVector) values, ids);
    }
  }

  @Override
  public ColumnDictionary dictionary(int column) {
    return encoded[column] ? batchDictionaries[column] : null;
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
      pageDecoders = new PageColumnDecoder[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        if (descriptors[i] == null) {
          continue;
        }
        ColumnChunkMetaData chunk = chunk(rowGroup, descriptors[i]);
        if (decoding == Decoding.PAGES
            && chunk != null
            && PageColumnDecoder.supports(layouts[i], descriptors[i], chunk)) {
          pageDecoders[i] =
              new PageColumnDecoder(
                  pages.getPageReader(descriptors[i]),
                  descriptors[i],
                  layouts[i],
                  fileName + ", row group " + nextRowGroup);
          pageDecodedChunks++;
        } else {
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

  private static ColumnChunkMetaData chunk(BlockMetaData rowGroup, ColumnDescriptor descriptor) {
    ColumnPath path = ColumnPath.get(descriptor.getPath());
    for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
      if (chunk.getPath().equals(path)) {
        return chunk;
      }
    }
    return null;
  }

  /** How many column chunks were decoded page by page so far (the rest by column readers). */
  int pageDecodedChunks() {
    return pageDecodedChunks;
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
