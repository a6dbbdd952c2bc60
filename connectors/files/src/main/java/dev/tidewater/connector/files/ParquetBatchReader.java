package dev.tidewater.connector.files;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads the chosen row groups of one Parquet file into Arrow batches of the source's (unified,
 * projected) schema. Only the projected columns' pages are read; a batch ends at a row group's end.
 */
final class ParquetBatchReader implements BatchReader {
  private final ParquetSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final ParquetFileReader reader;
  private final List<BlockMetaData> blocks;
  private final MessageColumnIO columnIO;
  private final ParquetConverters converters;
  private int nextGroup;
  private RecordReader<Integer> records;

  /** Column by column instead of records, when every requested column is a flat primitive. */
  private final boolean flat;

  private final MessageType requested;
  private ColumnReader[] columns;
  private int[] maxDefinitions;
  private long groupFirstRow;
  private long groupRows;
  private long groupRead;
  private long batchFirstRow;
  private long bytesRead;

  ParquetBatchReader(
      ParquetSplit split, Schema projected, BufferAllocator allocator, int batchRows) {
    this.split = split;
    this.batchRows = batchRows;
    this.root = VectorSchemaRoot.create(projected, allocator);
    try {
      this.reader = ParquetFiles.open(split.file());
      MessageType fileSchema = reader.getFileMetaData().getSchema();
      MessageType requested = ParquetFiles.requested(fileSchema, projected);
      reader.setRequestedSchema(requested);

      this.blocks = reader.getRowGroups();
      this.columnIO =
          new ColumnIOFactory(reader.getFileMetaData().getCreatedBy())
              .getColumnIO(requested, fileSchema);
      this.converters = new ParquetConverters(requested, root);
      this.requested = requested;
      this.flat = isFlat(requested);
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    try {
      while (records == null || groupRead == groupRows) {
        if (!startGroup()) {
          return false;
        }
      }
      for (FieldVector vector : root.getFieldVectors()) {
        vector.reset();
      }
      converters.startBatch();
      batchFirstRow = groupFirstRow + groupRead;
      int rows = (int) Math.min(batchRows, groupRows - groupRead);
      if (flat) {
        readColumns(rows);
      } else {
        for (int i = 0; i < rows; i++) {
          records.read();
        }
      }
      groupRead += rows;
      root.setRowCount(converters.rows());
      return true;
    } catch (IOException | RuntimeException e) {
      throw ParquetFiles.unreadable(
          split.file(), new IOException("row group " + (nextGroup - 1) + ": " + e.getMessage(), e));
    } catch (StackOverflowError e) {
      // Thrift's decoder of page headers recurses over garbage bytes without bound
      throw ParquetFiles.unreadable(
          split.file(), new IOException("row group " + (nextGroup - 1) + ": corrupt page header"));
    }
  }

  private boolean startGroup() throws IOException {
    if (nextGroup == split.rowGroups().size()) {
      records = null;
      return false;
    }
    int group = split.rowGroups().get(nextGroup++);
    groupFirstRow = 0;
    for (int i = 0; i < group; i++) {
      groupFirstRow += blocks.get(i).getRowCount();
    }
    PageReadStore pages = reader.readRowGroup(group);
    if (pages == null) {
      throw new IOException("the file ends before the row group");
    }
    bytesRead += blocks.get(group).getCompressedSize();
    groupRows = pages.getRowCount();
    groupRead = 0;
    if (flat) {
      ColumnReadStoreImpl store =
          new ColumnReadStoreImpl(
              pages,
              converters.getRootConverter(),
              requested,
              reader.getFileMetaData().getCreatedBy());
      List<ColumnDescriptor> descriptors = requested.getColumns();
      columns = new ColumnReader[descriptors.size()];
      maxDefinitions = new int[descriptors.size()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = store.getColumnReader(descriptors.get(i));
        maxDefinitions[i] = descriptors.get(i).getMaxDefinitionLevel();
      }
      records = NO_RECORDS;
    } else {
      records = columnIO.getRecordReader(pages, converters);
    }
    return true;
  }

  /** Stands for the row group's records while they are read column by column. */
  private static final RecordReader<Integer> NO_RECORDS =
      new RecordReader<>() {
        @Override
        public Integer read() {
          throw new IllegalStateException("read column by column");
        }
      };

  private static boolean isFlat(MessageType requested) {
    for (org.apache.parquet.schema.Type type : requested.getFields()) {
      if (!type.isPrimitive()
          || type.isRepetition(org.apache.parquet.schema.Type.Repetition.REPEATED)) {
        return false;
      }
    }
    return true;
  }

  /** Reads {@code rows} values of each column, one column after the other. */
  private void readColumns(int rows) {
    for (int c = 0; c < columns.length; c++) {
      ColumnReader column = columns[c];
      int maxDefinition = maxDefinitions[c];
      for (int row = 0; row < rows; row++) {
        if (column.getCurrentDefinitionLevel() == maxDefinition) {
          converters.row(row);
          column.writeCurrentValueToConverter();
        }
        column.consume();
      }
    }
    converters.row(rows);
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /** {@code file.parquet row N}, counting the file's rows from 1. */
  @Override
  public String position(int rowIndex) {
    return split.file().displayName() + " row " + (batchFirstRow + rowIndex + 1);
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "%s: cannot close: %s", split.file().displayName(), e.getMessage());
    } finally {
      root.close();
    }
  }
}
