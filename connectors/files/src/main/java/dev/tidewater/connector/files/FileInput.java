package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

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
      counting = new FileInput(Files.newInputStream(split.path()));
    } catch (NoSuchFileException e) {
      throw TidewaterException.user("file '%s' does not exist (any more)", split.path());
    } catch (AccessDeniedException e) {
      throw TidewaterException.user("file '%s' cannot be read: permission denied", split.path());
    } catch (IOException e) {
      throw TidewaterException.user("file '%s' cannot be read: %s", split.path(), e.getMessage());
    }
    try {
      InputStream stream =
          Compression.of(split.path().getFileName().toString()).decompress(counting);
      return new Opened(new BufferedInputStream(stream, BUFFER_SIZE), counting);
    } catch (IOException e) {
      closeQuietly(counting, e);
      throw TidewaterException.user("file '%s' cannot be read: %s", split.path(), e.getMessage());
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
