package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Arrow batches into Parquet data files of one Iceberg table: columns matched by name, files
 * rolled at the target size, one open file per partition of a partitioned table. Values go from the
 * Arrow vectors to Parquet's column writers without per-row objects; Iceberg's own Parquet writer
 * around them computes the data files' metrics.
 *
 * <p>A sink is used by one thread. To write in parallel, give each writer thread a sink of its own
 * with a distinct {@code taskId} and merge their results with {@link WriteResult#merge}.
 */
public final class ParquetBatchSink implements BatchSink {
  /** The write option (from {@code LOAD ... WITH}) that overrides the table's target file size. */
  public static final String TARGET_FILE_SIZE_OPTION = "target_file_size";

  /**
   * The write option that picks how columns are dictionary encoded: {@code auto} (the default)
   * decides per column from the first batch ({@link DictionaryChoice}); {@code parquet} starts
   * every column with a dictionary and leaves the fallback to plain encoding to Parquet, as
   * Iceberg's writer does.
   */
  public static final String DICTIONARY_OPTION = "parquet_dictionary";

  private static final Logger LOG = LoggerFactory.getLogger(ParquetBatchSink.class);
  private static final String DEFAULT_COMPRESSION = "zstd";
  // How often a file's size is checked, as Iceberg's rolling writers do.
  private static final int ROWS_BETWEEN_SIZE_CHECKS = 1000;
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)I?B?");

  private final Table table;
  private final Schema schema;
  private final PartitionSpec spec;
  private final FileIO io;
  private final OutputFileFactory files;
  private final Map<String, String> writeProperties;
  private final MetricsConfig metricsConfig;
  private final long targetFileSize;
  private final boolean chooseDictionaries;
  private final Map<String, Integer> positions = new HashMap<>();
  private final Map<String, Integer> positionsIgnoringCase = new HashMap<>();
  private final ArrowRow row;
  private final PartitionKey partitionKey;
  private final Map<StructLike, RollingFile> partitions = new HashMap<>();
  private final List<String> written = new ArrayList<>();
  private final List<DataFile> dataFiles = new ArrayList<>();
  private RollingFile unpartitioned;
  // Decided from the first batch (DictionaryChoice); the same for every file of this sink.
  private Set<Integer> plainColumns;
  private State state = State.OPEN;

  private enum State {
    OPEN,
    FINISHED,
    ABORTED
  }

  /**
   * A sink into {@code table}; {@code partitionId} and {@code taskId} make its file names unique
   * among parallel sinks of one load. {@code writeOptions} may set {@value
   * #TARGET_FILE_SIZE_OPTION} (e.g. {@code 256MB}) and Iceberg {@code write.*} properties.
   */
  public ParquetBatchSink(
      Table table, Map<String, String> writeOptions, int partitionId, long taskId) {
    this.table = requireNonNull(table, "table is null");
    requireNonNull(writeOptions, "writeOptions is null");
    this.schema = table.schema();
    this.spec = table.spec();
    this.io = table.io();
    this.files =
        OutputFileFactory.builderFor(table, partitionId, taskId).format(FileFormat.PARQUET).build();
    this.metricsConfig = MetricsConfig.forTable(table);

    Map<String, String> properties = new HashMap<>(table.properties());
    properties.putIfAbsent(TableProperties.PARQUET_COMPRESSION, DEFAULT_COMPRESSION);
    Map<String, String> options = new HashMap<>();
    writeOptions.forEach((key, value) -> options.put(key.toLowerCase(Locale.ROOT), value));
    options.forEach(
        (key, value) -> {
          if (key.startsWith("write.")) {
            properties.put(key, value);
          }
        });
    this.writeProperties = Map.copyOf(properties);
    String target = options.get(TARGET_FILE_SIZE_OPTION);
    this.targetFileSize =
        target != null
            ? parseSize(TARGET_FILE_SIZE_OPTION, target)
            : PropertyUtil.propertyAsLong(
                properties,
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);

    String dictionary = options.getOrDefault(DICTIONARY_OPTION, "auto").toLowerCase(Locale.ROOT);
    TidewaterException.check(
        dictionary.equals("auto") || dictionary.equals("parquet"),
        "option %s = '%s': expected 'auto' or 'parquet'",
        DICTIONARY_OPTION,
        dictionary);
    this.chooseDictionaries = dictionary.equals("auto");

    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      positions.put(columns.get(i).name(), i);
      positionsIgnoringCase.putIfAbsent(columns.get(i).name().toLowerCase(Locale.ROOT), i);
    }
    this.row = new ArrowRow(schema.asStruct());
    this.partitionKey = spec.isUnpartitioned() ? null : new PartitionKey(spec, schema);
  }

  @Override
  public void append(VectorSchemaRoot batch) {
    append(batch, null, null);
  }

  /**
   * Writes the rows of {@code batch} that {@code keep} accepts (all when null), ignoring the batch
   * column {@code ignoredColumn} (when not null), e.g. a MERGE's delete marker.
   */
  void append(VectorSchemaRoot batch, String ignoredColumn, IntPredicate keep) {
    checkOpen();
    int rows = batch.getRowCount();
    if (rows == 0) {
      return;
    }
    FieldVector[] vectors = vectorsInTableOrder(batch, ignoredColumn, keep);
    if (plainColumns == null) {
      plainColumns =
          chooseDictionaries ? DictionaryChoice.plainColumns(schema, vectors, rows) : Set.of();
    }
    row.reset(vectors);
    if (partitionKey == null) {
      if (unpartitioned == null) {
        unpartitioned = new RollingFile(null);
      }
      RollingFile file = unpartitioned;
      for (int i = 0; i < rows; i++) {
        if (keep == null || keep.test(i)) {
          row.moveTo(i);
          file.write(row);
        }
      }
    } else {
      for (int i = 0; i < rows; i++) {
        if (keep != null && !keep.test(i)) {
          continue;
        }
        row.moveTo(i);
        partitionKey.partition(row);
        RollingFile file = partitions.get(partitionKey);
        if (file == null) {
          PartitionKey copy = partitionKey.copy();
          file = new RollingFile(copy);
          partitions.put(copy, file);
        }
        file.write(row);
      }
    }
  }

  @Override
  public WriteResult finish() {
    checkOpen();
    if (unpartitioned != null) {
      unpartitioned.close();
    }
    for (RollingFile file : partitions.values()) {
      file.close();
    }
    state = State.FINISHED;
    return WriteResult.ofDataFiles(dataFiles);
  }

  @Override
  public void abort() {
    if (state == State.ABORTED) {
      return;
    }
    state = State.ABORTED;
    List<RollingFile> open = new ArrayList<>(partitions.values());
    if (unpartitioned != null) {
      open.add(unpartitioned);
    }
    for (RollingFile file : open) {
      file.closeQuietly();
    }
    for (String location : written) {
      try {
        io.deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("Failed to delete data file {} of aborted write to {}", location, table.name(), e);
      }
    }
  }

  @Override
  public void close() {
    if (state == State.OPEN) {
      abort();
    }
  }

  /** Parses a size such as {@code 256MB}, {@code 1GB} or {@code 1048576} (bytes). */
  static long parseSize(String option, String text) {
    Matcher matcher = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
    TidewaterException.check(
        matcher.matches(),
        "option %s = '%s': expected a size such as 256MB, 1GB or a number of bytes",
        option,
        text);
    long value = Long.parseLong(matcher.group(1));
    int shift =
        switch (matcher.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    TidewaterException.check(
        value > 0 && value <= (Long.MAX_VALUE >> shift),
        "option %s = '%s': the size must be positive",
        option,
        text);
    return value << shift;
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw TidewaterException.internal(
          null,
          "the sink into %s is already %s",
          table.name(),
          state.name().toLowerCase(Locale.ROOT));
    }
  }

  private FieldVector[] vectorsInTableOrder(
      VectorSchemaRoot batch, String ignoredColumn, IntPredicate keep) {
    FieldVector[] vectors = new FieldVector[schema.columns().size()];
    for (FieldVector vector : batch.getFieldVectors()) {
      String name = vector.getName();
      if (name.equals(ignoredColumn)) {
        continue;
      }
      Integer position = positions.get(name);
      if (position == null) {
        position = positionsIgnoringCase.get(name.toLowerCase(Locale.ROOT));
      }
      if (position == null) {
        throw TidewaterException.internal(
            null,
            "batch column '%s' is not a column of table %s (its schema must be evolved first)",
            name,
            table.name());
      }
      if (vectors[position] != null) {
        throw TidewaterException.internal(
            null,
            "batch columns '%s' and '%s' both match one column of table %s",
            vectors[position].getName(),
            name,
            table.name());
      }
      if (vector.getValueCount() < batch.getRowCount()) {
        // the writers read buffers by address, so this must hold
        throw TidewaterException.internal(
            null,
            "batch column '%s' has %d values but the batch has %d rows",
            name,
            vector.getValueCount(),
            batch.getRowCount());
      }
      vectors[position] = vector;
    }
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < vectors.length; i++) {
      if (columns.get(i).isRequired()) {
        checkNoNulls(columns.get(i), vectors[i], batch.getRowCount(), keep);
      }
    }
    return vectors;
  }

  private void checkNoNulls(
      Types.NestedField column, FieldVector vector, int rows, IntPredicate keep) {
    if (vector == null) {
      throw TidewaterException.user(
          "column '%s' of table %s is required (NOT NULL) but the data has no such column",
          column.name(), table.name());
    }
    if (vector.getNullCount() > 0) {
      int first = 0;
      while (first < rows && !(vector.isNull(first) && (keep == null || keep.test(first)))) {
        first++;
      }
      if (first == rows) {
        return;
      }
      throw TidewaterException.user(
          "column '%s' of table %s is required (NOT NULL) but row %d of the batch is null",
          column.name(), table.name(), first + 1);
    }
  }

  /** The files of one partition: writes to the current file, and rolls at the target size. */
  private final class RollingFile {
    private final StructLike partition;
    private DataWriter<ArrowRow> current;
    private String location;
    private long rows;

    RollingFile(StructLike partition) {
      this.partition = partition;
    }

    void write(ArrowRow value) {
      if (current == null) {
        open();
      }
      current.write(value);
      rows++;
      if (rows % ROWS_BETWEEN_SIZE_CHECKS == 0 && current.length() >= targetFileSize) {
        close();
      }
    }

    void close() {
      if (current == null) {
        return;
      }
      DataWriter<ArrowRow> writer = current;
      current = null;
      rows = 0;
      try {
        writer.close();
      } catch (IOException | RuntimeException e) {
        throw TidewaterException.external(e, "cannot write data file %s: %s", location, e);
      }
      dataFiles.add(writer.toDataFile());
    }

    void closeQuietly() {
      if (current != null) {
        try {
          current.close();
        } catch (IOException | RuntimeException e) {
          LOG.debug("Ignoring failure to close aborted data file {}", location, e);
        }
        current = null;
      }
    }

    private void open() {
      EncryptedOutputFile output =
          partition == null ? files.newOutputFile() : files.newOutputFile(spec, partition);
      location = output.encryptingOutputFile().location();
      written.add(location);
      try {
        if (ArrowParquetAppender.supports(writeProperties, output)) {
          current =
              ArrowParquetAppender.dataWriter(
                  output, schema, spec, partition, writeProperties, metricsConfig, plainColumns);
          return;
        }
        current =
            Parquet.writeData(output)
                .schema(schema)
                .withSpec(spec)
                .withPartition(partition)
                .setAll(writeProperties)
                .metricsConfig(metricsConfig)
                .createWriterFunc(message -> ArrowParquetWriters.create(schema, message))
                .overwrite()
                .build();
      } catch (IOException | RuntimeException e) {
        throw new TidewaterException(
            ErrorKind.EXTERNAL, String.format("cannot create data file %s: %s", location, e), e);
      }
    }
  }
}
