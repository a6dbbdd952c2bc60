package dev.tidewater.connector.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.io.InputFile;

/** Files on the local disk, matched by a {@link FileLocation}. */
final class LocalFileStore implements FileStore {
  private final FileLocation location;

  LocalFileStore(FileLocation location) {
    this.location = location;
  }

  @Override
  public List<FileSplit> files() {
    List<Path> paths = location.files();
    Path base = location.displayBase();
    List<FileSplit> splits = new ArrayList<>(paths.size());
    for (Path path : paths) {
      splits.add(
          new FileSplit(
              this, path.toString(), displayName(base, path), size(path), modified(path)));
    }
    return splits;
  }

  @Override
  public InputFile inputFile(FileSplit file) {
    return org.apache.iceberg.Files.localInput(Path.of(file.location()).toFile());
  }

  private static String displayName(Path base, Path path) {
    Path relative = path.startsWith(base) ? base.relativize(path) : path.getFileName();
    return relative.toString().isEmpty() ? path.getFileName().toString() : relative.toString();
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long modified(Path path) {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {}
}
