package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.IsolationLevel;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.encryption.EncryptingFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;
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
 * algorithm; {@link MergeKeyLookup} holds the incoming keys and finds them in data files, {@link
 * MergeTargets} the target files, their re-planning and the result, {@link MergeRemovals} the
 * writing of removals.
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
  private final Schema schema;
  private final FileIO io;
  private final MergeKeys keys;
  private final MergeMode mode;
  private final Long startingSnapshotId;
  private final String deleteColumn;
  private final IsolationLevel isolationLevel;
  private final ParquetBatchSink rows;
  private final MergeKeyBounds bounds;
  private final MergeKeyLookup lookup;
  private final MergeTargets targets;
  private final MergeKeys.Buffer buffer = new MergeKeys.Buffer();
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());
  private long rowNumber;
  private long upsertRows;
  private long deleteRows;
  private List<DataFile> insertedFiles = List.of();
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
    requireNonNull(scanTable, "scanTable is null");
    requireNonNull(keyColumns, "keyColumns is null");
    this.mode = requireNonNull(mode, "mode is null");
    requireNonNull(writeOptions, "writeOptions is null");
    this.schema = table.schema();
    this.io = EncryptingFileIO.combine(table.io(), table.encryption());
    this.keys = MergeKeys.of(table.name(), schema, keyColumns);
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
    Map<String, String> writeProperties = Map.copyOf(properties);
    String memory = options.get(KEY_MEMORY_OPTION);
    long keyMemory =
        memory == null ? DEFAULT_KEY_MEMORY : ParquetBatchSink.parseSize(KEY_MEMORY_OPTION, memory);
    Path spillDirectory =
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
    int threads =
        threadCount == null
            ? Runtime.getRuntime().availableProcessors()
            : parseThreads(threadCount);
    this.bounds = new MergeKeyBounds(keys.fields());
    this.rows = new ParquetBatchSink(table, writeOptions, 0, System.nanoTime());
    this.lookup = new MergeKeyLookup(table, keys, io, threads, keyMemory, spillDirectory);
    this.targets =
        new MergeTargets(
            table,
            scanTable,
            io,
            lookup,
            bounds,
            new MergeRemovals(table, schema, io, writeProperties, written, threads),
            mode,
            startingSnapshotId);
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
      lookup.add(buffer, flags, rowNumber);
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
        targets.find();
        long found = System.nanoTime();
        targets.writeRemovals();
        LOG.debug(
            "MERGE into {}: closed new data files in {} ms, found {} target rows in {} of {} files"
                + " in {} ms ({} passes), removed them ({}) in {} ms",
            table.name(),
            (scanned - started) / 1_000_000,
            targets.removedRows(),
            targets.filesScanned(),
            targets.filesScanned() + targets.filesSkipped(),
            (found - scanned) / 1_000_000,
            lookup.passes(),
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
    result = targets.assemble(insertedFiles);
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
    long rowsUpdated = lookup.updated();
    long rowsDeleted = lookup.deleted();
    return new MergeStats(
        upsertRows - rowsUpdated,
        rowsUpdated,
        rowsDeleted,
        deleteRows - rowsDeleted,
        targets.removedRows(),
        targets.filesScanned(),
        targets.filesSkipped(),
        targets.filesRewritten(),
        lookup.passes(),
        targets.replans());
  }

  /** Deletes every file the merge wrote. Does nothing once the commit succeeded or is unknown. */
  @Override
  public void abort() {
    if (state == State.ABORTED || state == State.COMMITTED) {
      return;
    }
    state = State.ABORTED;
    lookup.release();
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
    return targets.validatedFrom();
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
   * conflicted with the last attempt ({@link MergeTargets#replan}); the result commits validated
   * from {@code current}.
   */
  WriteResult replan(TableMetadata current) {
    if (targets.replan(current)) {
      result = targets.assemble(insertedFiles);
    }
    return result;
  }

  /**
   * The commit went through (or its outcome is unknown): files written for earlier attempts that
   * {@code committed} does not hold were never part of the table and are deleted; the keys are
   * released.
   */
  void committed(WriteResult committed, boolean certain) {
    state = State.COMMITTED;
    lookup.release();
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
}
