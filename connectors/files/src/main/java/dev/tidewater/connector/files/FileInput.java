package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.iceberg.exceptions.NotFoundException;

/**
 * Opens a file for reading: counts bytes for progress, decompresses {@code .gz}, {@code .zst} and
 * {@code .bz2}, skips a UTF-8 BOM.
 */
final class FileInput extends FilterInputStream {
  private static final int BUFFER_SIZE = 1 << 16;

  private long bytesRead;

  private FileInput(InputStream in) {
    super(in);
  }

  /**
   * Opens the file; its raw bytes are counted, a compressed stream is decompressed above the count.
   */
  static Opened open(FileSplit split) {
    FileInput counting;
    try {
      counting = new FileInput(split.inputFile().newStream());
    } catch (NotFoundException e) {
      if (java.nio.file.Files.isDirectory(java.nio.file.Path.of(split.location()))) {
        throw TidewaterException.user(
            "file '%s' cannot be read: it is a directory", split.location());
      }
      throw TidewaterException.user("file '%s' does not exist (any more)", split.location());
    } catch (RuntimeException e) {
      throw TidewaterException.user(
          "file '%s' cannot be read: %s", split.location(), e.getMessage());
    }
    try {
      InputStream stream = Compression.of(split.fileName()).decompress(counting);
      return new Opened(new BufferedInputStream(stream, BUFFER_SIZE), counting);
    } catch (IOException | RuntimeException e) {
      closeQuietly(counting, e);
      if (e instanceof NotFoundException) {
        throw TidewaterException.user("file '%s' does not exist (any more)", split.location());
      }
      throw TidewaterException.user(
          "file '%s' cannot be read: %s", split.location(), e.getMessage());
    }
  }

  /** Skips a UTF-8 byte order mark at the start of {@code stream}. */
  static void skipUtf8Bom(BufferedInputStream stream) throws IOException {
    stream.mark(3);
    if (stream.read() != 0xEF || stream.read() != 0xBB || stream.read() != 0xBF) {
      stream.reset();
    }
  }

  private static void closeQuietly(InputStream stream, Exception failure) {
    try {
      stream.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      bytesRead++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int count = in.read(buffer, offset, length);
    if (count > 0) {
      bytesRead += count;
    }
    return count;
  }

  @Override
  public long skip(long count) throws IOException {
    long skipped = super.skip(count);
    bytesRead += skipped;
    return skipped;
  }

  long bytesRead() {
    return bytesRead;
  }

  /** An opened file: the stream to read and the counter of its raw bytes. */
  record Opened(BufferedInputStream stream, FileInput counter) {}
}
