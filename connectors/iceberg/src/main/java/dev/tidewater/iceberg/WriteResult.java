package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;

/** The files one or more sinks wrote, with their total rows and bytes. */
public record WriteResult(
    List<DataFile> dataFiles, List<DeleteFile> deleteFiles, long rowCount, long byteCount) {
  public static final WriteResult EMPTY = new WriteResult(List.of(), List.of(), 0, 0);

  public WriteResult {
    dataFiles = List.copyOf(requireNonNull(dataFiles, "dataFiles is null"));
    deleteFiles = List.copyOf(requireNonNull(deleteFiles, "deleteFiles is null"));
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
    long rows = 0;
    long bytes = 0;
    for (WriteResult result : results) {
      dataFiles.addAll(result.dataFiles());
      deleteFiles.addAll(result.deleteFiles());
      rows += result.rowCount();
      bytes += result.byteCount();
    }
    return new WriteResult(dataFiles, deleteFiles, rows, bytes);
  }
}
