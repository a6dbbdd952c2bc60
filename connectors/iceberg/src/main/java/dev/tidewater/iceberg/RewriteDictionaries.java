package dev.tidewater.iceberg;

import java.io.IOException;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.MessageType;

/**
 * The dictionary size a copy-on-write rewrite of a Parquet file needs: enough for every column
 * chunk that the source stored with dictionary encoding alone, so that those stay dictionary
 * encoded, and no more.
 *
 * <p>Parquet's writer starts every column chunk with a dictionary and falls back to plain encoding
 * only when the dictionary outgrows its limit, or at the first page when the dictionary does not
 * pay. A column of mostly distinct values (ids, prices, timestamps) therefore hashes and then
 * re-encodes its first page in every row group; a rewrite knows from the source which columns those
 * are, and a limit just above the dictionaries the source kept makes them fall back after a few
 * thousand values instead.
 */
final class RewriteDictionaries {
  // The rewrite regroups rows (a new row group can span two of the source's), so the limit leaves
  // room for twice the largest dictionary the source kept, and never goes below this.
  private static final long MINIMUM = 16 << 10;

  private RewriteDictionaries() {}

  /**
   * The dictionary size for rewriting {@code file}: twice the largest dictionary page of a chunk
   * that is dictionary encoded throughout, at least 16 KiB, at most {@code configured}; {@code
   * configured} when the file does not record its pages' encodings.
   */
  static long limit(org.apache.iceberg.io.InputFile file, long configured) throws IOException {
    try (ParquetFileReader reader =
        new ParquetFileReader(ParquetInputFiles.of(file), ParquetReadOptions.builder().build())) {
      return limit(reader, configured);
    }
  }

  /**
   * {@link #limit(org.apache.iceberg.io.InputFile, long)} from a reader that is open already (the
   * rewrite's own, before its first row group): the footer is not read again.
   */
  static long limit(ParquetFileReader reader, long configured) throws IOException {
    long largest = 0;
    MessageType schema = reader.getFileMetaData().getSchema();
    for (BlockMetaData rowGroup : reader.getRowGroups()) {
      DictionaryPageReadStore dictionaries = null;
      for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
        EncodingStats encodings = chunk.getEncodingStats();
        if (encodings == null) {
          return configured;
        }
        if (!encodings.hasDictionaryPages() || encodings.hasNonDictionaryEncodedPages()) {
          continue;
        }
        if (dictionaries == null) {
          dictionaries = reader.getDictionaryReader(rowGroup);
        }
        ColumnDescriptor column = schema.getColumnDescription(chunk.getPath().toArray());
        DictionaryPage page = dictionaries.readDictionaryPage(column);
        if (page == null) {
          return configured;
        }
        largest = Math.max(largest, page.getUncompressedSize());
      }
    }
    return Math.min(configured, Math.max(MINIMUM, 2 * largest));
  }
}
