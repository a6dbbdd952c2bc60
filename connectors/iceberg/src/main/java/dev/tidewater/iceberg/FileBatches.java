package dev.tidewater.iceberg;

import java.io.Closeable;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The rows of one data file, deletes applied, as Arrow batches that the caller owns. */
interface FileBatches extends Closeable {
  /** The next batch (the caller closes it), or null at the end of the file. */
  VectorSchemaRoot next() throws IOException;

  /**
   * The entries that the dictionary ids of column {@code column} of the batch {@link #next}
   * answered last index; null when the column holds values.
   */
  default ColumnDictionary dictionary(int column) {
    return null;
  }
}
