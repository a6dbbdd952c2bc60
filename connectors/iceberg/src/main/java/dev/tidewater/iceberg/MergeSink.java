package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.encryption.EncryptingFileIO;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.expressions.Projections;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
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
 * snapshot; when they conflict, it re-plans the merge against the newer snapshot from what those
 * commits changed, as if the merge had run after them. docs/loads-merge-design.md describes the
 * algorithm.
 *
 * <p>Rows whose delete column (a boolean batch column that is not a table column) is true remove
 * the target row with their key and are not inserted. A key may come in only once per load; keys
 * must not be null. Keys take about 40 bytes each in memory (8-byte keys) up to {@value
 * #KEY_MEMORY_OPTION} (default 128 MB), beyond which they spill to local files and the target's key
 * columns are read once per memory-full of keys.
 *
 * <p>The incoming keys (in memory or spilled) are kept after {@link #finish} until the commit of
 * {@link #committer} ends or the sink is aborted, since re-planning needs them; {@link #close} of a
 * finished sink keeps them. A sink is used by one thread.
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
  private final MergeRemovals removals;
  private final MergeKeyBounds bounds;
  private final MergeKeys.Buffer buffer = new MergeKeys.Buffer();
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());
  private final int threads;
  private MergeKeySet keySet = new MergeKeySet();
  private MergeKeySpill spill;
  // spilled keys: the runs of hash partitions that fit in memory, and per run which of its keys
  // (in the order the run reads them) matched a target row in any pass so far
  private List<int[]> groups;
  private BitSet[] matchedInGroup;
  private long[] updatedInGroup;
  private long[] deletedInGroup;
  private long rowNumber;
  private long upsertRows;
  private long deleteRows;
  private long filesScanned;
  private long filesSkipped;
  private int keyPasses;
  private int replans;
  // the data files holding target rows, by location, and the snapshot they were found in
  private final Map<String, MergeTarget> targets = new LinkedHashMap<>();
  private List<DataFile> insertedFiles = List.of();
  private Long validatedFrom;
  private Map<Integer, PartitionSpec> specs;
  private int formatVersion;
  private WriteResult result;
  private State state = State.OPEN;

  private enum State {
    OPEN,
    /** Written; the keys are kept for re-planning until the commit ends. */
    FINISHED,
    /** Committed, or the commit's outcome is unknown: the files are (maybe) the table's. */
    COMMITTED,
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
    this.validatedFrom = startingSnapshotId;
    this.specs = table.specs();
    this.formatVersion = TableUtil.formatVersion(table);
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
    this.removals = new MergeRemovals(table, schema, io, writeProperties, written, threads);
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
    try {
      long started = System.nanoTime();
      insertedFiles = rows.finish().dataFiles();
      if (startingSnapshotId != null && !bounds.isEmpty()) {
        long scanned = System.nanoTime();
        findTargetRows();
        long found = System.nanoTime();
        removals.write(targets.values(), mode, formatVersion, specs);
        LOG.debug(
            "MERGE into {}: closed new data files in {} ms, found {} target rows in {} of {} files"
                + " in {} ms ({} passes), removed them ({}) in {} ms",
            table.name(),
            (scanned - started) / 1_000_000,
            targetRowsRemoved(),
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
    }
    state = State.FINISHED;
    result = assembleResult();
    return result;
  }

  /**
   * The committer of this merge's result: it commits like {@link TableCommitters#merge} from the
   * starting snapshot, with the incoming keys' span as conflict filter and the table's {@code
   * write.merge.isolation-level} (or the write option of that name). When concurrent commits
   * conflict with it, it re-plans the merge against the newer snapshot — removing the rows with an
   * incoming key that those commits added, and following the target rows they moved — and commits
   * again, at most {@value MergeCommitter#MAX_ROUNDS} times. The snapshot summary gets the merge's
   * final counts ({@link MergeStats#summary}).
   */
  public TableCommitter committer() {
    return new MergeCommitter(this, bounds.filter(), isolationLevel);
  }

  /** What the merge did; complete after {@link #finish}, final after the commit. */
  public MergeStats stats() {
    long rowsUpdated = 0;
    long rowsDeleted = 0;
    if (updatedInGroup != null) {
      for (int group = 0; group < updatedInGroup.length; group++) {
        rowsUpdated += updatedInGroup[group];
        rowsDeleted += deletedInGroup[group];
      }
    }
    long filesRewritten = 0;
    for (MergeTarget target : targets.values()) {
      if (target.removal().removesDataFile()) {
        filesRewritten++;
      }
    }
    return new MergeStats(
        upsertRows - rowsUpdated,
        rowsUpdated,
        rowsDeleted,
        deleteRows - rowsDeleted,
        targetRowsRemoved(),
        filesScanned,
        filesSkipped,
        filesRewritten,
        keyPasses,
        replans);
  }

  private long targetRowsRemoved() {
    long removed = 0;
    for (MergeTarget target : targets.values()) {
      removed += target.removedRows();
    }
    return removed;
  }

  /** Deletes every file the merge wrote. Does nothing once the commit succeeded or is unknown. */
  @Override
  public void abort() {
    if (state == State.ABORTED || state == State.COMMITTED) {
      return;
    }
    state = State.ABORTED;
    releaseKeys();
    rows.abort();
    for (String location : List.copyOf(written)) {
      try {
        io.deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("Failed to delete file {} of aborted merge into {}", location, table.name(), e);
      }
    }
  }

  /** Aborts an unfinished merge; a finished one keeps its files and keys for its commit. */
  @Override
  public void close() {
    if (state == State.OPEN) {
      abort();
    }
  }

  /** The snapshot the current result was planned against and is validated from. */
  Long validatedFrom() {
    return validatedFrom;
  }

  /**
   * This sink's current result, after checking that {@code given} holds the files {@link #finish}
   * returned (e.g. a {@link WriteResult#merge} of that result alone).
   */
  WriteResult currentResult(WriteResult given) {
    if (state != State.FINISHED) {
      throw TidewaterException.internal(
          null,
          "the merge into %s cannot commit: it is %s",
          table.name(),
          state.name().toLowerCase(Locale.ROOT));
    }
    if (given != result && !given.writtenLocations().equals(result.writtenLocations())) {
      throw TidewaterException.internal(
          null, "the merge into %s was asked to commit files it did not write", table.name());
    }
    return result;
  }

  /**
   * Re-plans the merge against {@code current}, the table's metadata after concurrent commits that
   * conflicted with the last attempt: reads only what the snapshots since {@link #validatedFrom}
   * changed ({@link MergeDelta}), drops the removals of data files those commits removed (their
   * rows, where a compaction or copy-on-write kept them, are in the added files), writes again the
   * removals of data files whose delete files changed, and finds the incoming keys in the added
   * data files whose statistics can hold one. The result commits validated from {@code current}.
   */
  WriteResult replan(TableMetadata current) {
    Snapshot snapshot = current.currentSnapshot();
    if (snapshot == null) {
      if (validatedFrom != null) {
        throw MergeDelta.historyRewritten(table.name(), validatedFrom, null);
      }
      return result;
    }
    long started = System.nanoTime();
    MergeDelta delta =
        MergeDelta.between(current, validatedFrom, snapshot.snapshotId(), io, table.name());
    specs = current.specsById();
    boolean formatChanged = current.formatVersion() != formatVersion;
    formatVersion = current.formatVersion();

    int dropped = 0;
    for (var entries = targets.entrySet().iterator(); entries.hasNext(); ) {
      if (delta.removedDataFiles().contains(entries.next().getKey())) {
        entries.remove();
        dropped++;
      }
    }
    for (MergeTarget target : targets.values()) {
      List<DeleteFile> deletes = new ArrayList<>();
      boolean changed = false;
      for (DeleteFile delete : target.deletes()) {
        if (delta.removedDeleteFiles().contains(MergeDelta.key(delete))) {
          changed = true;
        } else {
          deletes.add(delete);
        }
      }
      List<DeleteFile> added =
          MergeTarget.applying(delta.addedDeleteFiles().values(), target.file(), specs);
      if (changed || !added.isEmpty()) {
        deletes.addAll(added);
        target.replaceDeletes(deletes, schema);
      } else if (formatChanged) {
        target.markStale();
      }
    }

    List<MergeTarget> added = addedCandidates(delta);
    if (!added.isEmpty()) {
      filesScanned += added.size();
      findKeys(added, bounds.filter(), false);
      for (MergeTarget target : added) {
        if (target.matched.isNotEmpty()) {
          targets.put(target.location(), target);
        }
      }
    }
    List<MergeTarget> stale = targets.values().stream().filter(MergeTarget::stale).toList();
    removals.write(stale, mode, formatVersion, specs);
    validatedFrom = snapshot.snapshotId();
    replans++;
    LOG.info(
        "MERGE into {}: re-planned against snapshot {} ({} newer snapshots): dropped {} target"
            + " files removed meanwhile, scanned {} added files, wrote {} removals again in {} ms",
        table.name(),
        validatedFrom,
        delta.snapshots(),
        dropped,
        added.size(),
        stale.size(),
        (System.nanoTime() - started) / 1_000_000);
    result = assembleResult();
    return result;
  }

  /**
   * The commit went through (or its outcome is unknown): files written for earlier attempts that
   * {@code committed} does not hold were never part of the table and are deleted; the keys are
   * released.
   */
  void committed(WriteResult committed, boolean certain) {
    state = State.COMMITTED;
    releaseKeys();
    if (!certain) {
      return;
    }
    Set<String> kept = committed.writtenLocations();
    for (String location : List.copyOf(written)) {
      if (!kept.contains(location)) {
        try {
          io.deleteFile(location);
        } catch (RuntimeException e) {
          LOG.warn("Failed to delete unused file {} of merge into {}", location, table.name(), e);
        }
      }
    }
  }

  private void releaseKeys() {
    closeSpill();
    keySet = null;
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

  /** Finds the target rows in the data files of the starting snapshot. */
  private void findTargetRows() {
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
    List<MergeTarget> files = tasks.stream().map(task -> new MergeTarget(task, io)).toList();
    findKeys(files, filter, true);
    for (MergeTarget file : files) {
      if (file.matched.isNotEmpty()) {
        targets.put(file.location(), file);
      }
    }
  }

  /**
   * Records in each of {@code files} the positions of rows whose key came in: one pass over the
   * files' key columns with the keys in memory, or one pass per run of spilled keys that fits in
   * memory. Counts the keys that matched a row in any pass so far.
   */
  private void findKeys(List<MergeTarget> files, Expression filter, boolean startingSnapshot) {
    NameMapping nameMapping = nameMapping();
    if (spill == null) {
      if (startingSnapshot) {
        keyPasses = 1;
      }
      if (updatedInGroup == null) {
        updatedInGroup = new long[1];
        deletedInGroup = new long[1];
      }
      MergeKeySet set = keySet;
      set.seal();
      MergeParallel.run(
          table.name(), threads, files, file -> scan(file, set, null, filter, nameMapping));
      countMatches(0, set, null);
      return;
    }
    if (groups == null) {
      groups = spill.groups(keyMemory);
      matchedInGroup = new BitSet[groups.size()];
      updatedInGroup = new long[groups.size()];
      deletedInGroup = new long[groups.size()];
    }
    for (int index = 0; index < groups.size(); index++) {
      if (startingSnapshot) {
        keyPasses++;
      }
      int[] group = groups.get(index);
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
      BitSet matched = matchedInGroup[index];
      if (matched != null) {
        int[] ordinal = {0};
        set.forEach(
            entry -> {
              if (matched.get(ordinal[0]++)) {
                set.addFlags(entry, MergeKeySet.MATCHED);
              }
            });
      }
      set.seal();
      MergeParallel.run(
          table.name(), threads, files, file -> scan(file, set, group, filter, nameMapping));
      matchedInGroup[index] = new BitSet();
      countMatches(index, set, matchedInGroup[index]);
    }
  }

  /** Counts the matched keys of {@code set} as those of run {@code group}, noting them in bits. */
  private void countMatches(int group, MergeKeySet set, BitSet bits) {
    long[] counts = new long[2];
    int[] ordinal = {0};
    set.forEach(
        entry -> {
          byte flags = set.flags(entry);
          if ((flags & MergeKeySet.MATCHED) != 0) {
            counts[(flags & MergeKeySet.DELETE) != 0 ? 1 : 0]++;
            if (bits != null) {
              bits.set(ordinal[0]);
            }
          }
          ordinal[0]++;
        });
    updatedInGroup[group] = counts[0];
    deletedInGroup[group] = counts[1];
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

  /**
   * The data files that commits since {@link #validatedFrom} added and whose partition and column
   * statistics can hold an incoming key, with the delete files those commits added for them.
   */
  private List<MergeTarget> addedCandidates(MergeDelta delta) {
    if (bounds.isEmpty()) {
      return List.of();
    }
    Expression filter = bounds.filter();
    InclusiveMetricsEvaluator metrics = new InclusiveMetricsEvaluator(schema, filter);
    Map<Integer, Evaluator> partitions = new HashMap<>();
    List<MergeTarget> candidates = new ArrayList<>();
    for (DataFile file : delta.addedDataFiles().values()) {
      PartitionSpec spec = specs.get(file.specId());
      Evaluator partition =
          partitions.computeIfAbsent(file.specId(), id -> partitionEvaluator(spec, filter));
      if (!metrics.eval(file) || partition != null && !partition.eval(file.partition())) {
        continue;
      }
      if (file.format() != FileFormat.PARQUET) {
        throw TidewaterException.user(
            "MERGE into %s: data file %s is %s; MERGE reads Parquet data files only",
            table.name(), file.location(), file.format());
      }
      List<DeleteFile> deletes =
          MergeTarget.applying(delta.addedDeleteFiles().values(), file, specs);
      candidates.add(MergeTarget.of(file, deletes, schema, spec, io));
    }
    return candidates;
  }

  /** Whether a partition of {@code spec} can hold a row of {@code filter}; null: no pruning. */
  private static Evaluator partitionEvaluator(PartitionSpec spec, Expression filter) {
    if (spec.isUnpartitioned()) {
      return null;
    }
    try {
      return new Evaluator(spec.partitionType(), Projections.inclusive(spec).project(filter));
    } catch (ValidationException e) {
      // a key column the spec's schema no longer has: no pruning by partition
      return null;
    }
  }

  private NameMapping nameMapping() {
    return MergeRemovals.nameMapping(table);
  }

  /**
   * Reads the key columns and row positions of one data file, skipping rows deleted already, and
   * records the positions whose key is in {@code set} (and in the hash partitions {@code group}).
   */
  private void scan(
      MergeTarget file, MergeKeySet set, int[] group, Expression filter, NameMapping mapping) {
    DataFile data = file.file();
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
      MergeTarget file, Expression filter, NameMapping mapping, ParquetKeyReader.RowSink sink)
      throws IOException {
    List<Types.NestedField> columns = new ArrayList<>(keys.fields());
    columns.add(MetadataColumns.ROW_POSITION);
    Schema projection = new Schema(columns);
    int position = keys.size();
    Map<Integer, ?> constants = PartitionUtil.constantsMap(file.task());
    Parquet.ReadBuilder read =
        Parquet.read(io.newInputFile(file.file()))
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
      MergeTarget file, MergeKeySet set, int[] group, long pos, MergeKeys.Buffer key) {
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
    file.matched.delete(pos);
    // several threads may set the flag of one key; they all set the same bit
    set.addFlags(entry, MergeKeySet.MATCHED);
  }

  /** The result to commit: the new rows plus every target's removal. */
  private WriteResult assembleResult() {
    List<DataFile> dataFiles = new ArrayList<>(insertedFiles);
    List<DeleteFile> deleteFiles = new ArrayList<>();
    List<DataFile> removedDataFiles = new ArrayList<>();
    List<DeleteFile> removedDeleteFiles = new ArrayList<>();
    for (MergeTarget target : targets.values()) {
      MergeTarget.Removal removal = target.removal();
      if (removal.rewritten() != null) {
        dataFiles.add(removal.rewritten());
      }
      if (removal.removesDataFile()) {
        removedDataFiles.add(target.file());
      }
      deleteFiles.addAll(removal.deleteFiles());
      removedDeleteFiles.addAll(removal.removedDeleteFiles());
    }
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
}
