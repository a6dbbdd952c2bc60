package dev.tidewater.connector.files;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * How a text file is compressed, told by its last extension: {@code .gz} (gzip, also several
 * members), {@code .zst} (Zstandard, through zstd-jni), {@code .bz2} (bzip2, through Commons
 * Compress, also concatenated streams).
 */
enum Compression {
  NONE(""),
  GZIP(".gz"),
  ZSTD(".zst"),
  BZIP2(".bz2");

  private static final int BUFFER_SIZE = 1 << 16;

  private final String extension;

  Compression(String extension) {
    this.extension = extension;
  }

  /** The compression a file name names; {@link #NONE} for any other name. */
  static Compression of(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (Compression compression : values()) {
      if (compression != NONE && name.endsWith(compression.extension)) {
        return compression;
      }
    }
    return NONE;
  }

  /** The file name without this compression's extension. */
  String strip(String fileName) {
    return fileName.substring(0, fileName.length() - extension.length());
  }

  /** The decompressed content of {@code compressed}; closing it closes {@code compressed}. */
  InputStream decompress(InputStream compressed) throws IOException {
    switch (this) {
      case GZIP:
        return new GZIPInputStream(compressed, BUFFER_SIZE);
      case ZSTD:
        return new ZstdInputStream(compressed);
      case BZIP2:
        return new BZip2CompressorInputStream(compressed, true);
      default:
        return compressed;
    }
  }
}
