package dev.tidewater.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.encryption.NativeEncryptionOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.ParquetCodecFactory;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/**
 * A Parquet data file of Arrow rows, written the way Iceberg's own Parquet writer writes it (row
 * groups, pages, codec, footer, metrics from the footer and the column writers) but with Parquet
 * properties chosen per column: Iceberg takes dictionary encoding only for a whole file, and a
 * column of mostly distinct values (ids, prices, timestamps) pays for hashing every value of the
 * first page of each row group into a dictionary that Parquet then throws away.
 *
 * <p>Tables with settings this writer does not carry over (per-column bloom filters or statistics,
 * native encryption) keep Iceberg's writer: see {@link #supports}.
 */
final class ArrowParquetAppender implements FileAppender<ArrowRow> {
  private static final String COLUMN_INDEX_TRUNCATE_LENGTH = "parquet.columnindex.truncate.length";
  private static final int DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH = 64;
  private static final List<String> UNSUPPORTED_PREFIXES =
      List.of(
          TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX,
          TableProperties.PARQUET_BLOOM_FILTER_COLUMN_FPP_PREFIX,
          TableProperties.PARQUET_BLOOM_FILTER_COLUMN_NDV_PREFIX,
          TableProperties.PARQUET_COLUMN_STATS_ENABLED_PREFIX);

  private final Schema schema;
  private final MessageType parquetSchema;
  private final ArrowParquetWriters.RowWriter model;
  private final ParquetProperties props;
  private final BytesInputCompressor compressor;
  private final long targetRowGroupSize;
  private final MetricsConfig metricsConfig;
  private final Map<String, String> metadata;
  private final OutputFile output;
  private final int columnIndexTruncateLength;
  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore writeStore;
  private ParquetFileWriter writer;
  private long recordCount;
  private long nextCheckRecordCount;
  private int rowGroupOrdinal;
  private boolean closed;

  private ArrowParquetAppender(
      OutputFile output,
      Schema schema,
      Map<String, String> properties,
      MetricsConfig metricsConfig,
      Set<Integer> plainFieldIds) {
    this.output = output;
    this.schema = schema;
    this.metricsConfig = metricsConfig;
    this.parquetSchema = ParquetSchemaUtil.convert(schema, "table");
    this.model = ArrowParquetWriters.create(schema, parquetSchema);
    this.metadata = Map.of("iceberg.schema", SchemaParser.toJson(schema));
    this.targetRowGroupSize =
        PropertyUtil.propertyAsLong(
            properties,
            TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
            TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES_DEFAULT);
    this.props = properties(properties, plainFieldIds);
    this.columnIndexTruncateLength =
        PropertyUtil.propertyAsInt(
            properties, COLUMN_INDEX_TRUNCATE_LENGTH, DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH);
    // Like Iceberg's writer, hand every property to the codecs (e.g. parquet.compression.*).
    Configuration conf = new Configuration(false);
    properties.forEach(conf::set);
    String level = properties.get(TableProperties.PARQUET_COMPRESSION_LEVEL);
    CompressionCodecName codec = codec(properties);
    if (level != null) {
      switch (codec) {
        case GZIP -> conf.set("zlib.compress.level", level);
        case BROTLI -> conf.set("compression.brotli.quality", level);
        case ZSTD -> {
          conf.set("io.compression.codec.zstd.level", level);
          conf.set("parquet.compression.codec.zstd.level", level);
        }
        default -> {
          // the codec has no level
        }
      }
    }
    this.compressor =
        new ParquetCodecFactory(conf, props.getPageSizeThreshold()).getCompressor(codec);
    startRowGroup();
  }

  /**
   * Whether this writer writes files of a table with {@code properties} to {@code output} exactly
   * as Iceberg's writer would; if not, the caller uses Iceberg's.
   */
  static boolean supports(Map<String, String> properties, EncryptedOutputFile output) {
    if (output instanceof NativeEncryptionOutputFile) {
      return false;
    }
    for (String key : properties.keySet()) {
      for (String prefix : UNSUPPORTED_PREFIXES) {
        if (key.startsWith(prefix)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A data writer of one file: {@code properties} are the table's {@code write.parquet.*} settings,
   * {@code plainFieldIds} the top-level columns to write without a dictionary.
   */
  static DataWriter<ArrowRow> dataWriter(
      EncryptedOutputFile output,
      Schema schema,
      PartitionSpec spec,
      StructLike partition,
      Map<String, String> properties,
      MetricsConfig metricsConfig,
      Set<Integer> plainFieldIds) {
    OutputFile file = output.encryptingOutputFile();
    ArrowParquetAppender appender =
        new ArrowParquetAppender(file, schema, properties, metricsConfig, plainFieldIds);
    return new DataWriter<>(
        appender, FileFormat.PARQUET, file.location(), spec, partition, output.keyMetadata());
  }

  /** Iceberg's data-file Parquet properties, with dictionaries off for {@code plainFieldIds}. */
  private ParquetProperties properties(Map<String, String> properties, Set<Integer> plainFieldIds) {
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            .withWriterVersion(writerVersion(properties))
            .withPageSize(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_PAGE_SIZE_BYTES,
                    TableProperties.PARQUET_PAGE_SIZE_BYTES_DEFAULT))
            .withPageRowCountLimit(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_PAGE_ROW_LIMIT,
                    TableProperties.PARQUET_PAGE_ROW_LIMIT_DEFAULT))
            .withDictionaryEncoding(
                PropertyUtil.propertyAsBoolean(properties, "parquet.enable.dictionary", true))
            .withDictionaryPageSize(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_DICT_SIZE_BYTES,
                    TableProperties.PARQUET_DICT_SIZE_BYTES_DEFAULT))
            .withMinRowCountForPageSizeCheck(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT,
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT_DEFAULT))
            .withMaxRowCountForPageSizeCheck(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT,
                    TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT_DEFAULT))
            .withMaxBloomFilterBytes(
                PropertyUtil.propertyAsInt(
                    properties,
                    TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES,
                    TableProperties.PARQUET_BLOOM_FILTER_MAX_BYTES_DEFAULT));
    for (Types.NestedField field : schema.columns()) {
      if (plainFieldIds.contains(field.fieldId()) && field.type().isPrimitiveType()) {
        org.apache.parquet.schema.Type parquetField =
            ArrowParquetWriters.parquetField(parquetSchema, field);
        builder.withDictionaryEncoding(parquetField.getName(), false);
      }
    }
    return builder.build();
  }

  private static ParquetProperties.WriterVersion writerVersion(Map<String, String> properties) {
    String version =
        properties.getOrDefault(
            TableProperties.PARQUET_PAGE_VERSION, TableProperties.PARQUET_PAGE_VERSION_DEFAULT);
    return switch (version.toLowerCase(Locale.ROOT)) {
      case "v1" -> ParquetProperties.WriterVersion.PARQUET_1_0;
      case "v2" -> ParquetProperties.WriterVersion.PARQUET_2_0;
      default -> throw new IllegalArgumentException("Unsupported Parquet page version: " + version);
    };
  }

  private static CompressionCodecName codec(Map<String, String> properties) {
    String codec =
        properties.getOrDefault(
            TableProperties.PARQUET_COMPRESSION,
            TableProperties.PARQUET_COMPRESSION_DEFAULT_SINCE_1_4_0);
    try {
      return CompressionCodecName.valueOf(codec.toUpperCase(Locale.ENGLISH));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unsupported compression codec: " + codec, e);
    }
  }

  @Override
  public void add(ArrowRow row) {
    recordCount++;
    model.write(0, row);
    writeStore.endRecord();
    checkSize();
  }

  @Override
  public Metrics metrics() {
    if (!closed) {
      throw new IllegalStateException("Cannot return metrics for an unclosed writer");
    }
    if (writer == null) {
      return new Metrics(0L, null, null, null, null);
    }
    return ParquetUtil.footerMetrics(writer.getFooter(), model.metrics(), metricsConfig);
  }

  @Override
  public long length() {
    try {
      long length = writer == null ? 0 : writer.getPos();
      if (!closed && recordCount > 0) {
        length += writeStore.getBufferedSize();
      }
      return length;
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to get the length of " + output.location(), e);
    }
  }

  @Override
  public List<Long> splitOffsets() {
    return writer == null ? null : ParquetUtil.getSplitOffsets(writer.getFooter());
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flushRowGroup(true);
      writeStore.close();
      if (writer != null) {
        writer.end(metadata);
      }
    } finally {
      compressor.release();
    }
  }

  /** Iceberg's row-group sizing: checks the buffered size at intervals it estimates. */
  private void checkSize() {
    if (recordCount < nextCheckRecordCount) {
      return;
    }
    long bufferedSize = writeStore.getBufferedSize();
    double averageRecordSize = ((double) bufferedSize) / recordCount;
    if (bufferedSize > (targetRowGroupSize - 2 * averageRecordSize)) {
      flushRowGroup(false);
    } else {
      long remainingRecords = (long) ((targetRowGroupSize - bufferedSize) / averageRecordSize);
      nextCheckRecordCount =
          recordCount
              + Math.min(
                  Math.max(remainingRecords / 2, props.getMinRowCountForPageSizeCheck()),
                  props.getMaxRowCountForPageSizeCheck());
    }
  }

  private void flushRowGroup(boolean finished) {
    if (recordCount == 0) {
      return;
    }
    try {
      if (writer == null) {
        writer =
            new ParquetFileWriter(
                parquetFile(output),
                parquetSchema,
                ParquetFileWriter.Mode.OVERWRITE,
                targetRowGroupSize,
                0,
                columnIndexTruncateLength,
                ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH,
                ParquetProperties.DEFAULT_PAGE_WRITE_CHECKSUM_ENABLED,
                (org.apache.parquet.crypto.InternalFileEncryptor) null);
        writer.start();
      }
      writer.startBlock(recordCount);
      writeStore.flush();
      pageStore.flushToFileWriter(writer);
      writer.endBlock();
      if (!finished) {
        writeStore.close();
        startRowGroup();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to flush a row group to " + output.location(), e);
    }
  }

  private void startRowGroup() {
    nextCheckRecordCount =
        Math.min(
            Math.max(recordCount / 2, props.getMinRowCountForPageSizeCheck()),
            props.getMaxRowCountForPageSizeCheck());
    recordCount = 0;
    pageStore =
        new ColumnChunkPageWriteStore(
            compressor,
            parquetSchema,
            props.getAllocator(),
            columnIndexTruncateLength,
            ParquetProperties.DEFAULT_PAGE_WRITE_CHECKSUM_ENABLED,
            null,
            rowGroupOrdinal++);
    writeStore = props.newColumnWriteStore(parquetSchema, pageStore, pageStore);
    model.setColumnStore(writeStore);
  }

  /** Iceberg's output file as Parquet's; the file is created when the first row group is full. */
  private static org.apache.parquet.io.OutputFile parquetFile(OutputFile file) {
    return new org.apache.parquet.io.OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) {
        return stream(file.create());
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return stream(file.createOrOverwrite());
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return 0;
      }

      @Override
      public String getPath() {
        return file.location();
      }
    };
  }

  private static PositionOutputStream stream(org.apache.iceberg.io.PositionOutputStream stream) {
    return new PositionOutputStream() {
      @Override
      public long getPos() throws IOException {
        return stream.getPos();
      }

      @Override
      public void write(int b) throws IOException {
        stream.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        stream.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        stream.flush();
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    };
  }
}
