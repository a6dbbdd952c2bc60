package dev.tidewater.connector.files;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Reads one Avro object container file into Arrow batches with Avro's generic reader. */
final class AvroBatchReader implements BatchReader {
  private final FileSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final DataFileStream<GenericRecord> records;
  private final AvroWriters.RecordWriter writer;
  private final FileInput.Opened input;
  private GenericRecord reuse;
  private long batchFirstRow;
  private long rowsRead;

  AvroBatchReader(FileSplit split, Schema projected, BufferAllocator allocator, int batchRows) {
    this.split = split;
    this.batchRows = batchRows;
    this.root = VectorSchemaRoot.create(projected, allocator);
    FileInput.Opened opened = null;
    try {
      opened = FileInput.open(split);
      this.input = opened;
      this.records = open(split, opened.stream());
      this.writer =
          new AvroWriters.RecordWriter(
              records.getSchema(), root.getFieldVectors(), split.displayName());
    } catch (RuntimeException e) {
      root.close();
      closeQuietly(opened, e);
      throw e;
    }
  }

  /** The schema of the Avro file, read from its header. */
  static Schema schema(FileSplit split) {
    FileInput.Opened opened = FileInput.open(split);
    try (InputStream stream = opened.stream();
        DataFileStream<GenericRecord> records = open(split, stream)) {
      return AvroSchemas.toArrow(records.getSchema(), split.displayName());
    } catch (IOException e) {
      throw unreadable(split, e);
    }
  }

  private static DataFileStream<GenericRecord> open(FileSplit split, InputStream stream) {
    try {
      return new DataFileStream<>(stream, new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      throw unreadable(split, e);
    }
  }

  private static TidewaterException unreadable(FileSplit split, Exception e) {
    return TidewaterException.user(
        "%s: not a readable Avro file: %s", split.displayName(), e.getMessage());
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    for (FieldVector vector : root.getFieldVectors()) {
      vector.reset();
    }
    batchFirstRow = rowsRead;
    int row = 0;
    try {
      while (row < batchRows && records.hasNext()) {
        reuse = records.next(reuse);
        writer.write(reuse, row++);
      }
    } catch (IOException | AvroRuntimeException e) {
      throw TidewaterException.user(
          "%s: record %d: not a readable Avro record: %s",
          split.displayName(), rowsRead + row + 1, e.getMessage());
    }
    rowsRead += row;
    root.setRowCount(row);
    return row > 0;
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /** {@code file.avro record N}, counting from 1. */
  @Override
  public String position(int rowIndex) {
    return split.displayName() + " record " + (batchFirstRow + rowIndex + 1);
  }

  @Override
  public long bytesRead() {
    return input.counter().bytesRead();
  }

  @Override
  public void close() {
    try {
      records.close();
    } catch (IOException e) {
      throw TidewaterException.external(e, "%s: cannot close: %s", split.displayName(), e);
    } finally {
      root.close();
    }
  }

  private static void closeQuietly(FileInput.Opened opened, Exception failure) {
    if (opened == null) {
      return;
    }
    try {
      opened.stream().close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
