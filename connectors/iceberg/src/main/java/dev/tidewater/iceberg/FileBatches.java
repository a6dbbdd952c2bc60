package dev.tidewater.iceberg;

import java.io.Closeable;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The rows of one data file, deletes applied, as Arrow batches that the caller owns. */
interface FileBatches extends Closeable {
  /** The next batch (the caller closes it), or null at the end of the file. */
  VectorSchemaRoot next() throws IOException;
}
