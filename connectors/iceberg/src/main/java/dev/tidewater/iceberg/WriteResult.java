package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;

/**
 * The files one or more sinks wrote, with their total rows and bytes; for a MERGE also the files
 * the commit removes from the table ({@code removedDataFiles}: rewritten by copy-on-write; {@code
 * removedDeleteFiles}: delete files merged into new ones). Removed files belong to the table, so a
 * failed load never deletes them.
 */
public record WriteResult(
    List<DataFile> dataFiles,
    List<DeleteFile> deleteFiles,
    long rowCount,
    long byteCount,
    List<DataFile> removedDataFiles,
    List<DeleteFile> removedDeleteFiles) {
  public static final WriteResult EMPTY = new WriteResult(List.of(), List.of(), 0, 0);

  public WriteResult {
    dataFiles = List.copyOf(requireNonNull(dataFiles, "dataFiles is null"));
    deleteFiles = List.copyOf(requireNonNull(deleteFiles, "deleteFiles is null"));
    removedDataFiles = List.copyOf(requireNonNull(removedDataFiles, "removedDataFiles is null"));
    removedDeleteFiles =
        List.copyOf(requireNonNull(removedDeleteFiles, "removedDeleteFiles is null"));
  }

  /** Written files only, nothing removed. */
  public WriteResult(
      List<DataFile> dataFiles, List<DeleteFile> deleteFiles, long rowCount, long byteCount) {
    this(dataFiles, deleteFiles, rowCount, byteCount, List.of(), List.of());
  }

  /** The data files, with rows and bytes summed from them. */
  public static WriteResult ofDataFiles(List<DataFile> dataFiles) {
    long rows = 0;
    long bytes = 0;
    for (DataFile file : dataFiles) {
      rows += file.recordCount();
      bytes += file.fileSizeInBytes();
    }
    return new WriteResult(dataFiles, List.of(), rows, bytes);
  }

  /** All files of {@code results}, e.g. of the sinks of parallel writer tasks. */
  public static WriteResult merge(List<WriteResult> results) {
    List<DataFile> dataFiles = new ArrayList<>();
    List<DeleteFile> deleteFiles = new ArrayList<>();
    List<DataFile> removedDataFiles = new ArrayList<>();
    List<DeleteFile> removedDeleteFiles = new ArrayList<>();
    long rows = 0;
    long bytes = 0;
    for (WriteResult result : results) {
      dataFiles.addAll(result.dataFiles());
      deleteFiles.addAll(result.deleteFiles());
      removedDataFiles.addAll(result.removedDataFiles());
      removedDeleteFiles.addAll(result.removedDeleteFiles());
      rows += result.rowCount();
      bytes += result.byteCount();
    }
    return new WriteResult(
        dataFiles, deleteFiles, rows, bytes, removedDataFiles, removedDeleteFiles);
  }

  /**
   * The locations of every file written (data and delete files; deletion vectors of one load share
   * a Puffin file, listed once): what to delete when the commit certainly failed.
   */
  public Set<String> writtenLocations() {
    Set<String> locations = new LinkedHashSet<>();
    dataFiles.forEach(file -> locations.add(file.location()));
    deleteFiles.forEach(file -> locations.add(file.location()));
    return locations;
  }
}
