package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Split;
import java.util.List;

/**
 * A Parquet file of a FILES source with the row groups to read: those whose statistics do not rule
 * out the load's cursor window.
 *
 * @param rowGroups the indexes of the row groups to read, in file order
 * @param rowGroupCount how many row groups the file has
 */
record ParquetSplit(FileSplit file, List<Integer> rowGroups, int rowGroupCount, long bytes)
    implements Split {
  ParquetSplit {
    requireNonNull(file, "file is null");
    rowGroups = List.copyOf(rowGroups);
  }

  @Override
  public String description() {
    return file.description()
        + (rowGroups.size() == rowGroupCount
            ? ""
            : " (" + rowGroups.size() + " of " + rowGroupCount + " row group(s))");
  }

  @Override
  public long estimatedBytes() {
    return bytes;
  }
}
