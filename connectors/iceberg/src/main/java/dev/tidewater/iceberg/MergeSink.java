package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.deletes.BaseDVFileWriter;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.encryption.EncryptingFileIO;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.PartitionUtil;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing side of {@code WITH DISPOSITION MERGE ON (keys)}: an upsert by key that becomes one
 * snapshot. {@link #append} writes the incoming rows into new data files as they come (through a
 * {@link ParquetBatchSink}) and collects their keys; {@link #finish} reads the key columns of the
 * target's data files whose statistics can hold an incoming key and removes the rows whose key came
 * in — with position delete files (deletion vectors on format v3) in {@link
 * MergeMode#MERGE_ON_READ}, by rewriting the files in {@link MergeMode#COPY_ON_WRITE}. {@link
 * #committer} commits the result, validating against concurrent commits since the starting
 * snapshot. docs/loads-merge-design.md describes the algorithm.
 *
 * <p>Rows whose delete column (a boolean batch column that is not a table column) is true remove
 * the target row with their key and are not inserted. A key may come in only once per load; keys
 * must not be null. Keys take about 40 bytes each in memory (8-byte keys) up to {@value
 * #KEY_MEMORY_OPTION} (default 128 MB), beyond which they spill to local files and the target's key
 * columns are read once per memory-full of keys.
 *
 * <p>A sink is used by one thread.
 */
public final class MergeSink implements BatchSink {
  /** The write option that bounds the memory for incoming keys, e.g. {@code 512MB}. */
  public static final String KEY_MEMORY_OPTION = "merge_key_memory";

  /** The write option naming the local directory for spilled keys (default: java.io.tmpdir). */
  public static final String SPILL_DIRECTORY_OPTION = "merge_spill_directory";

  /**
   * The write option for the number of threads that read (copy-on-write: rewrite) the target's data
   * files; default: the number of processors.
   */
  public static final String THREADS_OPTION = "merge_threads";

  static final long DEFAULT_KEY_MEMORY = 128L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(MergeSink.class);

  private final Table table;
  private final Table scanTable;
  private final Schema schema;
  private final FileIO io;
  private final MergeKeys keys;
  private final Schema keySchema;
  private final MergeMode mode;
  private final Long startingSnapshotId;
  private final String deleteColumn;
  private final Map<String, String> writeProperties;
  private final long keyMemory;
  private final Path spillDirectory;
  private final IsolationLevel isolationLevel;
  private final ParquetBatchSink rows;
  private final MergeKeyBounds bounds;
  private final MergeKeys.Buffer buffer = new MergeKeys.Buffer();
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());
  private final int threads;
  private MergeKeySet keySet = new MergeKeySet();
  private MergeKeySpill spill;
  private long rowNumber;
  private long upsertRows;
  private long deleteRows;
  private long rowsUpdated;
  private long rowsDeleted;
  private long targetRowsRemoved;
  private long filesScanned;
  private long filesSkipped;
  private long filesRewritten;
  private int keyPasses;
  private State state = State.OPEN;

  private enum State {
    OPEN,
    FINISHED,
    ABORTED
  }

  /**
   * A MERGE into {@code table} on {@code keyColumns} (names of top-level table columns,
   * case-insensitive). {@code startingSnapshotId} is the snapshot whose rows the merge replaces and
   * from which the commit validates, null when the table has no snapshot (a new table). {@code
   * deleteColumn} names the boolean batch column that flags rows to delete, null when there is
   * none. {@code writeOptions} are those of {@link ParquetBatchSink} plus {@value
   * #KEY_MEMORY_OPTION} and {@value #SPILL_DIRECTORY_OPTION}.
   */
  public MergeSink(
      Table table,
      List<String> keyColumns,
      MergeMode mode,
      Map<String, String> writeOptions,
      Long startingSnapshotId,
      String deleteColumn) {
    this(table, table, keyColumns, mode, writeOptions, startingSnapshotId, deleteColumn);
  }

  /**
   * A merge that writes through {@code table} — e.g. the table of a transaction that also evolves
   * the schema, which cannot plan scans — and finds the target rows in {@code scanTable}, the same
   * table outside the transaction.
   */
  public MergeSink(
      Table table,
      Table scanTable,
      List<String> keyColumns,
      MergeMode mode,
      Map<String, String> writeOptions,
      Long startingSnapshotId,
      String deleteColumn) {
    this.table = requireNonNull(table, "table is null");
    this.scanTable = requireNonNull(scanTable, "scanTable is null");
    requireNonNull(keyColumns, "keyColumns is null");
    this.mode = requireNonNull(mode, "mode is null");
    requireNonNull(writeOptions, "writeOptions is null");
    this.schema = table.schema();
    this.io = EncryptingFileIO.combine(table.io(), table.encryption());
    this.keys = MergeKeys.of(table.name(), schema, keyColumns);
    this.keySchema = new Schema(keys.fields());
    this.startingSnapshotId = startingSnapshotId;
    if (startingSnapshotId != null) {
      TidewaterException.check(
          table.snapshot(startingSnapshotId) != null,
          "table %s has no snapshot %d",
          table.name(),
          startingSnapshotId);
    }
    this.deleteColumn = deleteColumn;
    if (deleteColumn != null) {
      TidewaterException.check(
          schema.columns().stream().noneMatch(column -> column.name().equals(deleteColumn)),
          "the MERGE delete column '%s' must not be a column of table %s",
          deleteColumn,
          table.name());
    }

    Map<String, String> options = new HashMap<>();
    writeOptions.forEach((key, value) -> options.put(key.toLowerCase(Locale.ROOT), value));
    Map<String, String> properties = new HashMap<>(table.properties());
    options.forEach(
        (key, value) -> {
          if (key.startsWith("write.")) {
            properties.put(key, value);
          }
        });
    this.writeProperties = Map.copyOf(properties);
    String memory = options.get(KEY_MEMORY_OPTION);
    this.keyMemory =
        memory == null ? DEFAULT_KEY_MEMORY : ParquetBatchSink.parseSize(KEY_MEMORY_OPTION, memory);
    this.spillDirectory =
        Path.of(options.getOrDefault(SPILL_DIRECTORY_OPTION, System.getProperty("java.io.tmpdir")));
    String isolation =
        PropertyUtil.propertyAsString(
            properties,
            TableProperties.MERGE_ISOLATION_LEVEL,
            TableProperties.MERGE_ISOLATION_LEVEL_DEFAULT);
    try {
      this.isolationLevel = IsolationLevel.fromName(isolation);
    } catch (IllegalArgumentException e) {
      throw TidewaterException.user(
          "%s = '%s': expected 'serializable' or 'snapshot'",
          TableProperties.MERGE_ISOLATION_LEVEL, isolation);
    }
    String threadCount = options.get(THREADS_OPTION);
    this.threads =
        threadCount == null
            ? Runtime.getRuntime().availableProcessors()
            : parseThreads(threadCount);
    this.bounds = new MergeKeyBounds(keys.fields());
    this.rows = new ParquetBatchSink(table, writeOptions, 0, System.nanoTime());
  }

  private static int parseThreads(String text) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw TidewaterException.user(
        "option %s = '%s': expected a positive number of threads", THREADS_OPTION, text);
  }

  @Override
  public void append(VectorSchemaRoot batch) {
    checkOpen();
    int count = batch.getRowCount();
    if (count == 0) {
      return;
    }
    FieldVector[] keyVectors = keyVectors(batch);
    BitVector deletes = deleteVector(batch);
    List<Types.NestedField> fields = keys.fields();
    Object[] values = new Object[fields.size()];
    for (int i = 0; i < count; i++) {
      rowNumber++;
      byte flags = deletes != null && isSet(deletes, i) ? MergeKeySet.DELETE : 0;
      int nullColumn = keys.encode(keyVectors, i, buffer, values);
      if (nullColumn >= 0) {
        throw TidewaterException.user(
            "MERGE ON (%s) into %s: key column '%s' is null in row %d of the load; keys must"
                + " not be null",
            String.join(", ", keys.names()),
            table.name(),
            fields.get(nullColumn).name(),
            rowNumber);
      }
      for (int column = 0; column < values.length; column++) {
        bounds.add(column, values[column]);
      }
      addKey(flags);
      if (flags == MergeKeySet.DELETE) {
        deleteRows++;
      } else {
        upsertRows++;
      }
    }
    if (deletes == null) {
      rows.append(batch);
    } else {
      rows.append(batch, deleteColumn, i -> !isSet(deletes, i));
    }
  }

  @Override
  public WriteResult finish() {
    checkOpen();
    List<DataFile> dataFiles = new ArrayList<>();
    List<DeleteFile> deleteFiles = new ArrayList<>();
    List<DataFile> removedDataFiles = new ArrayList<>();
    List<DeleteFile> removedDeleteFiles = new ArrayList<>();
    try {
      long started = System.nanoTime();
      dataFiles.addAll(rows.finish().dataFiles());
      if (startingSnapshotId != null && !bounds.isEmpty()) {
        long scanned = System.nanoTime();
        Map<String, FileMatches> matches = findTargetRows();
        long found = System.nanoTime();
        if (mode == MergeMode.MERGE_ON_READ) {
          writeDeletes(matches.values(), deleteFiles, removedDeleteFiles);
        } else {
          rewrite(matches.values(), dataFiles, removedDataFiles);
        }
        LOG.debug(
            "MERGE into {}: closed new data files in {} ms, found {} target rows in {} of {} files"
                + " in {} ms ({} passes), removed them ({}) in {} ms",
            table.name(),
            (scanned - started) / 1_000_000,
            targetRowsRemoved,
            filesScanned,
            filesScanned + filesSkipped,
            (found - scanned) / 1_000_000,
            keyPasses,
            mode.optionValue(),
            (System.nanoTime() - found) / 1_000_000);
      }
    } catch (RuntimeException e) {
      try {
        abort();
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e instanceof TidewaterException
          ? e
          : TidewaterException.external(e, "MERGE into %s failed: %s", table.name(), e);
    } finally {
      closeSpill();
      keySet = null;
    }
    state = State.FINISHED;
    long rowCount = 0;
    long byteCount = 0;
    for (DataFile file : dataFiles) {
      rowCount += file.recordCount();
      byteCount += file.fileSizeInBytes();
    }
    for (DeleteFile file : deleteFiles) {
      // deletion vectors share one Puffin file; each counts its own blob
      byteCount +=
          file.contentSizeInBytes() != null ? file.contentSizeInBytes() : file.fileSizeInBytes();
    }
    return new WriteResult(
        dataFiles, deleteFiles, rowCount, byteCount, removedDataFiles, removedDeleteFiles);
  }

  /**
   * The committer of this merge's result: {@link TableCommitters#merge} from the starting snapshot,
   * with the incoming keys' span as conflict filter and the table's {@code
   * write.merge.isolation-level} (or the write option of that name).
   */
  public TableCommitter committer() {
    return TableCommitters.merge(startingSnapshotId, bounds.filter(), isolationLevel);
  }

  /** What the merge did; complete after {@link #finish}. */
  public MergeStats stats() {
    return new MergeStats(
        upsertRows - rowsUpdated,
        rowsUpdated,
        rowsDeleted,
        deleteRows - rowsDeleted,
        targetRowsRemoved,
        filesScanned,
        filesSkipped,
        filesRewritten,
        keyPasses);
  }

  @Override
  public void abort() {
    if (state == State.ABORTED) {
      return;
    }
    state = State.ABORTED;
    closeSpill();
    rows.abort();
    for (String location : written) {
      try {
        io.deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("Failed to delete file {} of aborted merge into {}", location, table.name(), e);
      }
    }
  }

  @Override
  public void close() {
    if (state == State.OPEN) {
      abort();
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw TidewaterException.internal(
          null,
          "the merge into %s is already %s",
          table.name(),
          state.name().toLowerCase(Locale.ROOT));
    }
  }

  private FieldVector[] keyVectors(VectorSchemaRoot batch) {
    List<Types.NestedField> fields = keys.fields();
    FieldVector[] vectors = new FieldVector[fields.size()];
    for (int i = 0; i < vectors.length; i++) {
      String name = fields.get(i).name();
      FieldVector vector = batch.getVector(name);
      if (vector == null) {
        for (FieldVector candidate : batch.getFieldVectors()) {
          if (candidate.getName().equalsIgnoreCase(name)) {
            vector = candidate;
            break;
          }
        }
      }
      if (vector == null) {
        throw TidewaterException.user(
            "MERGE ON (%s) into %s: the data has no key column '%s'",
            String.join(", ", keys.names()), table.name(), name);
      }
      vectors[i] = vector;
    }
    return vectors;
  }

  private BitVector deleteVector(VectorSchemaRoot batch) {
    if (deleteColumn == null) {
      return null;
    }
    FieldVector vector = batch.getVector(deleteColumn);
    if (!(vector instanceof BitVector bits)) {
      throw TidewaterException.internal(
          null,
          "the MERGE delete column '%s' is %s, expected a boolean column",
          deleteColumn,
          vector == null ? "missing from the batch" : vector.getField().getType());
    }
    return bits;
  }

  private static boolean isSet(BitVector bits, int row) {
    return !bits.isNull(row) && bits.get(row) != 0;
  }

  private void addKey(byte flags) {
    long hash = buffer.hash();
    if (spill != null) {
      spill.write(buffer.bytes(), buffer.length(), hash, flags);
      return;
    }
    int existing = keySet.add(buffer.bytes(), buffer.length(), hash, flags);
    if (existing >= 0) {
      throw duplicate(keySet, existing, "row " + rowNumber + " of the load repeats key");
    }
    if (keySet.memoryBytes() > keyMemory) {
      spillKeys();
    }
  }

  private void spillKeys() {
    LOG.info(
        "MERGE into {}: {} keys exceed {} bytes of memory; spilling them to {}",
        table.name(),
        keySet.size(),
        keyMemory,
        spillDirectory);
    MergeKeySpill target = new MergeKeySpill(spillDirectory);
    spill = target;
    MergeKeySet inMemory = keySet;
    byte[] arena = inMemory.arena();
    inMemory.forEach(
        entry -> {
          int offset = MergeKeySet.keyOffset(entry);
          int length = inMemory.keyLength(entry);
          buffer.set(arena, offset, length);
          target.write(buffer.bytes(), length, buffer.hash(), inMemory.flags(entry));
        });
    keySet = null;
  }

  private TidewaterException duplicate(MergeKeySet set, int entry, String where) {
    return TidewaterException.user(
        "MERGE ON (%s) into %s: %s %s; every key may come in once per load (DEDUP BY picks one"
            + " row per key)",
        String.join(", ", keys.names()),
        table.name(),
        where,
        keys.describe(set.arena(), MergeKeySet.keyOffset(entry)));
  }

  private void closeSpill() {
    if (spill != null) {
      spill.close();
      spill = null;
    }
  }

  /** The target rows to remove: per data file of the starting snapshot, their positions. */
  private Map<String, FileMatches> findTargetRows() {
    Expression filter = bounds.filter();
    Snapshot snapshot = table.snapshot(startingSnapshotId);
    List<FileScanTask> tasks = candidateFiles(filter);
    filesScanned = tasks.size();
    filesSkipped =
        Math.max(
            0,
            PropertyUtil.propertyAsLong(
                    snapshot.summary(), SnapshotSummary.TOTAL_DATA_FILES_PROP, tasks.size())
                - tasks.size());
    List<FileMatches> files = tasks.stream().map(FileMatches::new).toList();
    NameMapping nameMapping = nameMapping();
    if (spill == null) {
      keyPasses = 1;
      keySet.seal();
      inParallel(files, file -> scan(file, keySet, null, filter, nameMapping));
      countMatches(keySet);
    } else {
      for (int[] group : spill.groups(keyMemory)) {
        keyPasses++;
        MergeKeySet set = new MergeKeySet();
        spill.read(
            group[0],
            group[1],
            (key, length, flags) -> {
              int existing = set.add(key, length, MergeKeys.hash(key, 0, length), flags);
              if (existing >= 0) {
                throw duplicate(set, existing, "the load has more than one row with key");
              }
            });
        set.seal();
        inParallel(files, file -> scan(file, set, group, filter, nameMapping));
        countMatches(set);
      }
    }
    Map<String, FileMatches> matches = new LinkedHashMap<>();
    for (FileMatches file : files) {
      targetRowsRemoved += file.removed;
      if (!file.positions.isEmpty()) {
        matches.put(file.task.file().location(), file);
      }
    }
    return matches;
  }

  private void countMatches(MergeKeySet set) {
    set.forEach(
        entry -> {
          byte flags = set.flags(entry);
          if ((flags & MergeKeySet.MATCHED) != 0) {
            if ((flags & MergeKeySet.DELETE) != 0) {
              rowsDeleted++;
            } else {
              rowsUpdated++;
            }
          }
        });
  }

  /**
   * Runs {@code work} for each of {@code items} on up to {@link #threads} threads: the target's
   * data files are read, and rewritten, independently of each other.
   */
  private <T> void inParallel(List<T> items, Consumer<T> work) {
    int count = Math.min(items.size(), threads);
    if (count <= 1) {
      items.forEach(work);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            count,
            runnable -> {
              Thread thread = new Thread(runnable, "merge-" + table.name());
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int item = next.getAndIncrement();
                      item < items.size() && !failed.get();
                      item = next.getAndIncrement()) {
                    try {
                      work.accept(items.get(item));
                    } catch (RuntimeException | Error e) {
                      failed.set(true);
                      throw e;
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw TidewaterException.internal(e.getCause(), "MERGE into %s failed", table.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TidewaterException.external(e, "MERGE into %s was interrupted", table.name());
    } finally {
      pool.shutdownNow();
    }
  }

  private List<FileScanTask> candidateFiles(Expression filter) {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned =
        scanTable.newScan().useSnapshot(startingSnapshotId).filter(filter).planFiles()) {
      for (FileScanTask task : planned) {
        if (task.file().format() != FileFormat.PARQUET) {
          throw TidewaterException.user(
              "MERGE into %s: data file %s is %s; MERGE reads Parquet data files only",
              table.name(), task.file().location(), task.file().format());
        }
        tasks.add(task);
      }
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot plan the scan of %s: %s", table.name(), e);
    }
    return tasks;
  }

  private NameMapping nameMapping() {
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return mapping == null ? null : NameMappingParser.fromJson(mapping);
  }

  /**
   * Reads the key columns and row positions of one data file, skipping rows deleted already, and
   * records the positions whose key is in {@code set} (and in the hash partitions {@code group}).
   */
  private void scan(
      FileMatches file, MergeKeySet set, int[] group, Expression filter, NameMapping mapping) {
    DataFile data = file.task.file();
    PositionDeleteIndex deleted = file.previous();
    ParquetKeyReader.RowSink sink =
        (pos, key) -> {
          if (deleted == null || !deleted.isDeleted(pos)) {
            match(file, set, group, pos, key);
          }
        };
    try {
      if (!ParquetKeyReader.read(io.newInputFile(data), keys, keySchema, filter, sink)) {
        scanWithIcebergReader(file, filter, mapping, sink);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TidewaterException tidewater) {
        throw tidewater;
      }
      throw TidewaterException.external(
          e, "cannot read the keys of %s in %s: %s", data.location(), table.name(), e);
    }
  }

  /** The general path: Iceberg's Parquet reader, for any layout, name mapping or constant. */
  private void scanWithIcebergReader(
      FileMatches file, Expression filter, NameMapping mapping, ParquetKeyReader.RowSink sink)
      throws IOException {
    List<Types.NestedField> columns = new ArrayList<>(keys.fields());
    columns.add(MetadataColumns.ROW_POSITION);
    Schema projection = new Schema(columns);
    int position = keys.size();
    Map<Integer, ?> constants = PartitionUtil.constantsMap(file.task);
    Parquet.ReadBuilder read =
        Parquet.read(io.newInputFile(file.task.file()))
            .project(projection)
            .filter(filter)
            .createReaderFunc(
                fileSchema -> InternalReader.create(projection, fileSchema, constants))
            .reuseContainers();
    if (mapping != null) {
      read = read.withNameMapping(mapping);
    }
    MergeKeys.Buffer key = new MergeKeys.Buffer();
    try (CloseableIterable<StructLike> rows = read.build()) {
      for (StructLike row : rows) {
        if (keys.encode(row, key)) {
          sink.accept(row.get(position, Long.class), key);
        }
      }
    }
  }

  private void match(
      FileMatches file, MergeKeySet set, int[] group, long pos, MergeKeys.Buffer key) {
    long hash = key.hash();
    if (group != null) {
      int partition = MergeKeySpill.partition(hash);
      if (partition < group[0] || partition >= group[1]) {
        return;
      }
    }
    int entry = set.find(key.bytes(), key.length(), hash);
    if (entry < 0) {
      return;
    }
    file.positions.delete(pos);
    file.removed++;
    // several threads may set the flag of one key; they all set the same bit
    set.addFlags(entry, MergeKeySet.MATCHED);
  }

  /** Merge-on-read: position delete files (format v2) or deletion vectors (v3 and later). */
  private void writeDeletes(
      Iterable<FileMatches> matches, List<DeleteFile> deleteFiles, List<DeleteFile> removed) {
    if (TableUtil.formatVersion(table) >= 3) {
      writeDeletionVectors(matches, deleteFiles, removed);
      return;
    }
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .suffix("deletes")
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).writerProperties(writeProperties).build();
    for (FileMatches file : matches) {
      DataFile data = file.task.file();
      PartitionSpec spec = table.specs().get(data.specId());
      PositionDeleteIndex positions = file.positions;
      List<DeleteFile> replaced = file.fileScopedPositionDeletes();
      if (!replaced.isEmpty()) {
        // one delete file per data file: fold the earlier ones in, and drop them in the commit
        positions.merge(file.previous());
      }
      EncryptedOutputFile output = outputs.newOutputFile(spec, data.partition());
      written.add(output.encryptingOutputFile().location());
      PositionDeleteWriter<Record> writer =
          writers.newPositionDeleteWriter(output, spec, data.partition());
      PositionDelete<Record> delete = PositionDelete.create();
      String path = data.location();
      try (writer) {
        positions.forEach(pos -> writer.write(delete.set(path, pos)));
      } catch (IOException e) {
        throw TidewaterException.external(
            e, "cannot write delete file %s: %s", output.encryptingOutputFile().location(), e);
      }
      deleteFiles.add(writer.toDeleteFile());
      removed.addAll(replaced);
    }
  }

  private void writeDeletionVectors(
      Iterable<FileMatches> matches, List<DeleteFile> deleteFiles, List<DeleteFile> removed) {
    Map<String, FileMatches> byPath = new HashMap<>();
    matches.forEach(file -> byPath.put(file.task.file().location(), file));
    if (byPath.isEmpty()) {
      return;
    }
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 1, System.nanoTime()).format(FileFormat.PUFFIN).build();
    BaseDVFileWriter writer = new BaseDVFileWriter(outputs, path -> byPath.get(path).previous());
    try (writer) {
      for (FileMatches file : byPath.values()) {
        DataFile data = file.task.file();
        writer.delete(
            data.location(), file.positions, table.specs().get(data.specId()), data.partition());
      }
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "cannot write deletion vectors for %s: %s", table.name(), e);
    }
    DeleteWriteResult result = writer.result();
    result.deleteFiles().forEach(file -> written.add(file.location()));
    deleteFiles.addAll(result.deleteFiles());
    removed.addAll(result.rewrittenDeleteFiles());
  }

  /**
   * Copy-on-write: each data file with removed rows is written again without them (and without the
   * rows its delete files removed), in its own partition spec and partition. Rows travel as
   * Iceberg's internal objects, read and written by Iceberg's own Parquet readers and writers.
   */
  private void rewrite(
      Collection<FileMatches> matches, List<DataFile> dataFiles, List<DataFile> removed) {
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 2, System.nanoTime())
            .format(FileFormat.PARQUET)
            .build();
    List<FileMatches> files = List.copyOf(matches);
    DataFile[] rewritten = new DataFile[files.size()];
    NameMapping mapping = nameMapping();
    inParallel(
        IntStream.range(0, files.size()).boxed().toList(),
        index -> rewritten[index] = rewrite(files.get(index), outputs, mapping));
    for (int i = 0; i < rewritten.length; i++) {
      if (rewritten[i] != null) {
        dataFiles.add(rewritten[i]);
      }
      removed.add(files.get(i).task.file());
    }
    filesRewritten = files.size();
  }

  /** Writes the live rows of one data file into a new one; null when no row is left. */
  private DataFile rewrite(FileMatches file, OutputFileFactory outputs, NameMapping mapping) {
    DataFile data = file.task.file();
    PartitionSpec spec = table.specs().get(data.specId());
    List<Types.NestedField> columns = new ArrayList<>(schema.columns());
    columns.add(MetadataColumns.ROW_POSITION);
    RowDeletes deletes = new RowDeletes(file.task, new Schema(columns));
    Schema required = deletes.requiredSchema();
    int position = required.columns().indexOf(MetadataColumns.ROW_POSITION);
    Map<Integer, ?> constants = PartitionUtil.constantsMap(file.task);
    Parquet.ReadBuilder read =
        Parquet.read(io.newInputFile(data))
            .project(required)
            .createReaderFunc(fileSchema -> InternalReader.create(required, fileSchema, constants))
            .reuseContainers();
    if (mapping != null) {
      read = read.withNameMapping(mapping);
    }
    EncryptedOutputFile output = outputs.newOutputFile(spec, data.partition());
    String location = output.encryptingOutputFile().location();
    written.add(location);
    PositionDeleteIndex replaced = file.positions;
    DataWriter<StructLike> writer;
    try {
      writer =
          Parquet.writeData(output)
              .schema(schema)
              .withSpec(spec)
              .withPartition(data.partition())
              .setAll(writeProperties)
              .metricsConfig(MetricsConfig.forTable(table))
              .createWriterFunc(message -> InternalWriter.create(schema.asStruct(), message))
              .overwrite()
              .build();
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot create data file %s: %s", location, e);
    }
    try (writer;
        CloseableIterable<StructLike> live = deletes.filter(read.<StructLike>build())) {
      for (StructLike row : live) {
        if (!replaced.isDeleted(row.get(position, Long.class))) {
          // the writer takes the table's columns and ignores the trailing position
          writer.write(row);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot rewrite %s of %s into %s: %s", data.location(), table.name(), location, e);
    }
    DataFile result = writer.toDataFile();
    if (result.recordCount() > 0) {
      return result;
    }
    io.deleteFile(location);
    return null;
  }

  /** The delete files of one data file applied to rows of Iceberg's internal object model. */
  private final class RowDeletes extends DeleteFilter<StructLike> {
    RowDeletes(FileScanTask task, Schema requested) {
      super(task.file().location(), task.deletes(), schema, requested);
    }

    @Override
    protected StructLike asStructLike(StructLike row) {
      return row;
    }

    @Override
    protected InputFile getInputFile(String location) {
      return io.newInputFile(location);
    }
  }

  /** One data file of the starting snapshot: its rows to remove, and its earlier deletes. */
  private final class FileMatches {
    final FileScanTask task;
    final PositionDeleteIndex positions = Deletes.toPositionIndex(CloseableIterable.<Long>empty());
    long removed;
    private PositionDeleteIndex previous;
    private boolean loaded;

    FileMatches(FileScanTask task) {
      this.task = task;
    }

    /** The positions deleted by the file's position deletes or deletion vector; null if none. */
    PositionDeleteIndex previous() {
      if (!loaded) {
        loaded = true;
        List<DeleteFile> files = positionDeletes();
        if (!files.isEmpty()) {
          DeleteLoader loader = new BaseDeleteLoader(io::newInputFile);
          previous = loader.loadPositionDeletes(files, task.file().location());
        }
      }
      return previous;
    }

    /** The position delete files of this data file when all of them are file-scoped, else none. */
    List<DeleteFile> fileScopedPositionDeletes() {
      List<DeleteFile> files = positionDeletes();
      return files.stream().allMatch(ContentFileUtil::isFileScoped) ? files : List.of();
    }

    private List<DeleteFile> positionDeletes() {
      return task.deletes().stream()
          .filter(file -> file.content() == FileContent.POSITION_DELETES)
          .toList();
    }
  }
}
