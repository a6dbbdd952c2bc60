package dev.tidewater.iceberg;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes Arrow batches into data files of one table, in Trino's page-sink shape: {@link #append}
 * each batch, then {@link #finish} to learn what was written; the caller commits the files in one
 * snapshot, or calls {@link #abort} to delete them.
 */
public interface BatchSink extends AutoCloseable {
  /** Writes the rows of {@code batch}; the caller keeps ownership of the batch. */
  void append(VectorSchemaRoot batch);

  /** Closes every open file and returns the files written. */
  WriteResult finish();

  /** Deletes every file this sink wrote, finished or not. */
  void abort();

  /** Aborts unless {@link #finish} or {@link #abort} was called. */
  @Override
  void close();
}
