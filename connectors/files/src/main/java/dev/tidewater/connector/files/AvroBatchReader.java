package dev.tidewater.connector.files;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Reads one Avro object container file into Arrow batches with Avro's generic reader. */
final class AvroBatchReader implements BatchReader {
  private static final int SYNC_SIZE = 16;

  private final FileSplit split;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final DataFileReader<GenericRecord> records;
  private final AvroWriters.RecordWriter writer;
  private GenericRecord reuse;
  private long batchFirstRow;
  private long rowsRead;

  AvroBatchReader(FileSplit split, Schema projected, BufferAllocator allocator, int batchRows) {
    this.split = split;
    this.batchRows = batchRows;
    this.root = VectorSchemaRoot.create(projected, allocator);
    DataFileReader<GenericRecord> opened = null;
    try {
      opened = open(split);
      this.records = opened;
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
    try (DataFileReader<GenericRecord> records = open(split)) {
      return AvroSchemas.toArrow(records.getSchema(), split.displayName());
    } catch (IOException e) {
      throw unreadable(split, e);
    }
  }

  /**
   * Opens the file, checking that it ends with the sync marker its header names: Avro's reader
   * takes a file cut inside a block for one that ends there, silently dropping the block.
   */
  private static DataFileReader<GenericRecord> open(FileSplit split) {
    DataFileReader<GenericRecord> reader;
    try {
      reader = new DataFileReader<>(split.path().toFile(), new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      throw unreadable(split, e);
    }
    try (FileChannel channel = FileChannel.open(split.path())) {
      long headerEnd = reader.previousSync();
      long size = channel.size();
      if (size > headerEnd) {
        ByteBuffer header = ByteBuffer.allocate(SYNC_SIZE);
        ByteBuffer tail = ByteBuffer.allocate(SYNC_SIZE);
        channel.read(header, headerEnd - SYNC_SIZE);
        channel.read(tail, size - SYNC_SIZE);
        if (!header.flip().equals(tail.flip())) {
          throw TidewaterException.user(
              "%s: not a readable Avro file: it does not end with its sync marker (truncated?)",
              split.displayName());
        }
      }
      return reader;
    } catch (IOException | RuntimeException e) {
      closeQuietly(reader, e);
      throw e instanceof TidewaterException tidewater ? tidewater : unreadable(split, e);
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
    try {
      return records.tell();
    } catch (IOException e) {
      return 0;
    }
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

  private static void closeQuietly(DataFileReader<?> reader, Exception failure) {
    if (reader == null) {
      return;
    }
    try {
      reader.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
