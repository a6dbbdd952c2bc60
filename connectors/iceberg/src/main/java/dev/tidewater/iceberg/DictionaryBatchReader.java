package dev.tidewater.iceberg;

import dev.tidewater.spi.BatchReader;

/**
 * A scan's batches in which some string or binary columns hold dictionary ids (an {@code Int32}
 * vector whose field carries a dictionary encoding) instead of values, with the entries the ids of
 * the current batch index.
 */
public interface DictionaryBatchReader extends BatchReader {
  /** The entries column {@code column}'s ids index in the current batch; null for values. */
  ColumnDictionary dictionary(int column);
}
