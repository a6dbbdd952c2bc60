package dev.tidewater.iceberg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Reads one Parquet data file through Iceberg's generic reader, for the files {@link
 * ParquetColumnBatches} declines (nested columns, files without field ids, partition constants):
 * rows become Arrow values one by one, deleted positions are left out.
 */
final class GenericFileBatches implements FileBatches {
  private final CloseableIterable<Record> records;
  private final CloseableIterator<Record> iterator;
  private final List<Types.NestedField> fields;
  private final org.apache.arrow.vector.types.pojo.Schema arrowSchema;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final DeletedRows deleted;
  private final ScanCounters counters;

  GenericFileBatches(
      InputFile file,
      List<Types.NestedField> fields,
      Expression filter,
      Map<Integer, ?> constants,
      NameMapping nameMapping,
      BufferAllocator allocator,
      int batchRows,
      DeletedRows deleted,
      ScanCounters counters) {
    List<Types.NestedField> read = new ArrayList<>(fields);
    read.add(MetadataColumns.ROW_POSITION);
    Schema readSchema = new Schema(read);
    Parquet.ReadBuilder builder =
        Parquet.read(file)
            .project(readSchema)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(readSchema, fileSchema, constants))
            .filter(filter)
            .caseSensitive(false);
    if (nameMapping != null) {
      builder = builder.withNameMapping(nameMapping);
    }
    this.records = builder.build();
    this.iterator = records.iterator();
    this.fields = List.copyOf(fields);
    this.arrowSchema = ArrowSchemas.toArrow(new Schema(fields));
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.deleted = deleted;
    this.counters = counters;
    counters.bytes(file.getLength());
  }

  @Override
  public VectorSchemaRoot next() {
    if (!iterator.hasNext()) {
      return null;
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema, allocator);
    try {
      root.allocateNew();
      List<FieldVector> vectors = root.getFieldVectors();
      int positionIndex = fields.size();
      int rows = 0;
      int seen = 0;
      while (rows < batchRows && iterator.hasNext()) {
        Record record = iterator.next();
        seen++;
        if (deleted.isDeleted((Long) record.get(positionIndex))) {
          continue;
        }
        for (int i = 0; i < vectors.size(); i++) {
          RecordToArrow.set(vectors.get(i), rows, record.get(i), fields.get(i).type());
        }
        rows++;
      }
      root.setRowCount(rows);
      counters.rows(seen, seen - rows);
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try (records) {
      iterator.close();
    }
  }
}
