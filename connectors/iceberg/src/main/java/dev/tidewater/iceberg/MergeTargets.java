package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.expressions.Projections;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target side of a MERGE: the data files holding rows with an incoming key, found in the
 * starting snapshot ({@link #find}) and followed through the commits that conflicted with it
 * ({@link #replan}), with the removal each needs and the result to commit.
 */
final class MergeTargets {
  private static final Logger LOG = LoggerFactory.getLogger(MergeTargets.class);

  private final Table table;
  private final Table scanTable;
  private final Schema schema;
  private final FileIO io;
  private final MergeKeyLookup lookup;
  private final MergeKeyBounds bounds;
  private final MergeRemovals removals;
  private final MergeMode mode;
  private final Long startingSnapshotId;
  // the data files holding target rows, by location, and the snapshot they were found in
  private final Map<String, MergeTarget> targets = new LinkedHashMap<>();
  private Long validatedFrom;
  private Map<Integer, PartitionSpec> specs;
  private int formatVersion;
  private long filesScanned;
  private long filesSkipped;
  private int replans;

  MergeTargets(
      Table table,
      Table scanTable,
      FileIO io,
      MergeKeyLookup lookup,
      MergeKeyBounds bounds,
      MergeRemovals removals,
      MergeMode mode,
      Long startingSnapshotId) {
    this.table = table;
    this.scanTable = scanTable;
    this.schema = table.schema();
    this.io = io;
    this.lookup = lookup;
    this.bounds = bounds;
    this.removals = removals;
    this.mode = mode;
    this.startingSnapshotId = startingSnapshotId;
    this.validatedFrom = startingSnapshotId;
    this.specs = table.specs();
    this.formatVersion = TableUtil.formatVersion(table);
  }

  /** The snapshot the current result was planned against and is validated from. */
  Long validatedFrom() {
    return validatedFrom;
  }

  long filesScanned() {
    return filesScanned;
  }

  long filesSkipped() {
    return filesSkipped;
  }

  int replans() {
    return replans;
  }

  long filesRewritten() {
    long rewritten = 0;
    for (MergeTarget target : targets.values()) {
      if (target.removal().removesDataFile()) {
        rewritten++;
      }
    }
    return rewritten;
  }

  /** The target rows the removals remove. */
  long removedRows() {
    long removed = 0;
    for (MergeTarget target : targets.values()) {
      removed += target.removedRows();
    }
    return removed;
  }

  /** Finds the target rows in the data files of the starting snapshot. */
  void find() {
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
    lookup.find(files, filter, true);
    for (MergeTarget file : files) {
      if (file.matched.isNotEmpty()) {
        targets.put(file.location(), file);
      }
    }
  }

  /** Writes the removal of every target row {@link #find} found. */
  void writeRemovals() {
    removals.write(targets.values(), mode, formatVersion, specs);
  }

  /**
   * Re-plans the merge against {@code current}, the table's metadata after concurrent commits that
   * conflicted with the last attempt: reads only what the snapshots since {@link #validatedFrom}
   * changed ({@link MergeDelta}), drops the removals of data files those commits removed (their
   * rows, where a compaction or copy-on-write kept them, are in the added files), writes again the
   * removals of data files whose delete files changed, and finds the incoming keys in the added
   * data files whose statistics can hold one. The result commits validated from {@code current};
   * false: nothing changed.
   */
  boolean replan(TableMetadata current) {
    Snapshot snapshot = current.currentSnapshot();
    if (snapshot == null) {
      if (validatedFrom != null) {
        throw MergeDelta.historyRewritten(table.name(), validatedFrom, null);
      }
      return false;
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
      lookup.find(added, bounds.filter(), false);
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
    return true;
  }

  /** The result to commit: the new rows ({@code insertedFiles}) plus every target's removal. */
  WriteResult assemble(List<DataFile> insertedFiles) {
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
}
