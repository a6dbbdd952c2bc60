package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;
import java.nio.file.Path;

/**
 * One file of a FILES source.
 *
 * @param displayName the path relative to the location, used in positions and messages
 */
record FileSplit(Path path, String displayName, long size) implements Split {
  FileSplit {
    requireNonNull(path, "path is null");
    requireNonNull(displayName, "displayName is null");
  }

  @Override
  public String description() {
    return path.toString();
  }

  @Override
  public long estimatedBytes() {
    return size;
  }
}
