package dev.tidewater.connector.files;

import dev.tidewater.connector.text.ColumnWriter;
import dev.tidewater.connector.text.ColumnWriter.BadValueException;
import dev.tidewater.connector.text.StructuredWriters;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.RecordRejections;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one JSON or JSON Lines file into Arrow batches with Jackson's streaming parser, writing
 * each value straight into its vector. Keys that are not in the schema (or not projected) are
 * skipped; missing keys are null.
 */
final class JsonBatchReader implements BatchReader {
  /** A batch also ends after this many bytes of input, to bound memory with large records. */
  private static final long MAX_BATCH_BYTES = 64L << 20;

  private final FileSplit split;
  private final FileFormat format;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final List<FieldVector> vectors;
  private final Map<String, ColumnWriter> writers = new HashMap<>();
  private JsonRecords records;
  private long[] positions;
  private boolean finished;
  private final RecordRejections rejections;

  JsonBatchReader(
      FileSplit split,
      FileFormat format,
      FilesOptions options,
      Schema projected,
      BufferAllocator allocator,
      int batchRows,
      RecordRejections rejections) {
    this.split = split;
    this.format = format;
    this.rejections = rejections;
    this.batchRows = batchRows;
    this.root = VectorSchemaRoot.create(projected, allocator);
    this.vectors = root.getFieldVectors();
    this.positions = new long[Math.min(batchRows, 1024)];
    try {
      for (FieldVector vector : vectors) {
        String name = vector.getField().getName();
        writers.put(name, ColumnWriter.create(vector, name));
      }
      records = new JsonRecords(split, format, options, rejections);
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
    if (finished) {
      return false;
    }
    for (FieldVector vector : vectors) {
      vector.reset();
    }
    int row = 0;
    long batchEnd = records.bytesRead() + MAX_BATCH_BYTES;
    while (row < batchRows && records.bytesRead() < batchEnd) {
      if (!records.next()) {
        finished = true;
        break;
      }
      try {
        StructuredWriters.writeFields(records.parser(), writers, row);
      } catch (BadValueException e) {
        if (rejections == null) {
          throw TidewaterException.user(
              "%s:%d: %s", split.displayName(), records.currentLine(), e.getMessage());
        }
        clearRow(row);
        records.rejectRecord(e.getMessage());
        continue;
      } catch (IOException e) {
        clearRow(row);
        records.malformed(e); // throws unless the reader goes on after a malformed line
        continue;
      }
      if (row == positions.length) {
        positions = Arrays.copyOf(positions, positions.length * 2);
      }
      positions[row++] = format == FileFormat.JSONL ? records.recordLine() : records.recordNumber();
    }
    root.setRowCount(row);
    return row > 0;
  }

  /** Undoes what a rejected record wrote at {@code row}, which the next record reuses. */
  private void clearRow(int row) {
    for (FieldVector vector : vectors) {
      vector.setNull(row);
    }
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /** {@code file.jsonl:LINE} for JSON Lines, {@code file.json record N} for JSON. */
  @Override
  public String position(int rowIndex) {
    return format == FileFormat.JSONL
        ? split.displayName() + ":" + positions[rowIndex]
        : split.displayName() + " record " + positions[rowIndex];
  }

  @Override
  public long bytesRead() {
    return records == null ? 0 : records.bytesRead();
  }

  @Override
  public void close() {
    try {
      if (records != null) {
        records.close();
        records = null;
      }
    } finally {
      root.close();
    }
  }
}
