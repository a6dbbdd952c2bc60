package dev.tidewater.connector.files;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.io.IOUtil;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;

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
    InputFile input = split.inputFile();
    DataFileReader<GenericRecord> reader;
    try {
      reader = new DataFileReader<>(new AvroInput(input), new GenericDatumReader<>());
    } catch (IOException | RuntimeException e) {
      throw unreadable(split, e);
    }
    try (SeekableInputStream check = input.newStream()) {
      long headerEnd = reader.previousSync();
      long size = input.getLength();
      if (size > headerEnd) {
        byte[] header = new byte[SYNC_SIZE];
        byte[] tail = new byte[SYNC_SIZE];
        check.seek(headerEnd - SYNC_SIZE);
        IOUtil.readFully(check, header, 0, SYNC_SIZE);
        check.seek(size - SYNC_SIZE);
        IOUtil.readFully(check, tail, 0, SYNC_SIZE);
        if (!Arrays.equals(header, tail)) {
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

  /**
   * Avro's view of the file's seekable input. It counts the position itself: S3FileIO's stream
   * (Iceberg 1.11) moves its position back by one when a read hits the end of the object.
   */
  private static final class AvroInput implements SeekableInput {
    private final long length;
    private final SeekableInputStream stream;
    private long position;

    AvroInput(InputFile input) {
      this.length = input.getLength();
      this.stream = input.newStream();
    }

    @Override
    public void seek(long target) throws IOException {
      stream.seek(target);
      position = target;
    }

    @Override
    public long tell() {
      return position;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
      int read = stream.read(buffer, offset, count);
      if (read > 0) {
        position += read;
      }
      return read;
    }

    @Override
    public void close() throws IOException {
      stream.close();
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
