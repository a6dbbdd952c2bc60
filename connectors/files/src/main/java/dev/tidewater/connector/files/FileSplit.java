package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;
import org.apache.iceberg.io.InputFile;

/**
 * One file of a FILES source.
 *
 * @param location the file's full location ({@code /data/a.csv}, {@code s3://bucket/a.csv})
 * @param displayName the path relative to the location, used in positions and messages
 * @param modifiedMillis when the file was last modified (milliseconds since the epoch)
 */
record FileSplit(
    FileStore store, String location, String displayName, long size, long modifiedMillis)
    implements Split {
  FileSplit {
    requireNonNull(store, "store is null");
    requireNonNull(location, "location is null");
    requireNonNull(displayName, "displayName is null");
  }

  /** The last segment of the location, whose extension tells the format and compression. */
  String fileName() {
    int slash = location.lastIndexOf('/');
    return slash < 0 ? location : location.substring(slash + 1);
  }

  InputFile inputFile() {
    return store.inputFile(this);
  }

  @Override
  public String description() {
    return location;
  }

  @Override
  public long estimatedBytes() {
    return size;
  }
}
