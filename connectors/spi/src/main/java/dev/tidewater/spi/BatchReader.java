package dev.tidewater.spi;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one split as a stream of Arrow batches. The reader owns one {@link VectorSchemaRoot} that
 * it refills on every {@link #next()}; callers must not close it, and must copy what they keep.
 */
public interface BatchReader extends AutoCloseable {
  /** The schema of every batch. */
  Schema schema();

  /** Loads the next batch into {@link #root()}; false at the end. Never loads an empty batch. */
  boolean next();

  /** The current batch. */
  VectorSchemaRoot root();

  /**
   * Where row {@code rowIndex} of the current batch came from, for error messages and quarantine
   * (e.g. {@code "orders.csv:42"}).
   */
  String position(int rowIndex);

  /** Bytes consumed so far, for progress. */
  long bytesRead();

  @Override
  void close();
}
