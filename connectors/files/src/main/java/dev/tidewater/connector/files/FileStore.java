package dev.tidewater.connector.files;

import java.util.List;
import org.apache.iceberg.io.InputFile;

/**
 * Where the files of a FILES source live: the local disk or an object store. Every format reader
 * reads through {@link #inputFile}, a seekable input (ranged reads on object stores), never a local
 * path.
 */
interface FileStore extends AutoCloseable {
  /** The matching files, sorted by location; empty when nothing matches. */
  List<FileSplit> files();

  /** A seekable input over one of {@link #files}. */
  InputFile inputFile(FileSplit file);

  @Override
  void close();
}
