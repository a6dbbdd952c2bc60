package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.BaseFileScanTask;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionSpecParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.ResidualEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.StructLikeWrapper;

/**
 * A data file of the table that holds rows with an incoming MERGE key: their positions, the delete
 * files that apply to the file in the snapshot the merge validates from, and what the commit does
 * to remove the rows ({@link Removal}). When a concurrent commit changes the file's delete files,
 * the removal is {@link #stale} and written again.
 */
final class MergeTarget {
  /** What the commit adds and removes for one target file. */
  record Removal(
      List<DeleteFile> deleteFiles,
      List<DeleteFile> removedDeleteFiles,
      DataFile rewritten,
      boolean removesDataFile) {
    static final Removal NONE = new Removal(List.of(), List.of(), null, false);

    Removal {
      deleteFiles = List.copyOf(deleteFiles);
      removedDeleteFiles = List.copyOf(removedDeleteFiles);
    }
  }

  private final FileIO io;
  private FileScanTask task;

  /** The rows whose key came in, by position; rows deleted already when read are not in it. */
  final PositionDeleteIndex matched = emptyIndex();

  private PositionDeleteIndex previous;
  private boolean loaded;
  private Removal removal = Removal.NONE;
  private long removedRows;
  private boolean stale = true;

  MergeTarget(FileScanTask task, FileIO io) {
    this.task = requireNonNull(task, "task is null");
    this.io = requireNonNull(io, "io is null");
  }

  /** A target for {@code file} with {@code deletes}, outside a planned scan. */
  static MergeTarget of(
      DataFile file, List<DeleteFile> deletes, Schema schema, PartitionSpec spec, FileIO io) {
    return new MergeTarget(
        new BaseFileScanTask(
            file,
            deletes.toArray(DeleteFile[]::new),
            SchemaParser.toJson(schema),
            PartitionSpecParser.toJson(spec),
            ResidualEvaluator.unpartitioned(Expressions.alwaysTrue())),
        io);
  }

  static PositionDeleteIndex emptyIndex() {
    return Deletes.toPositionIndex(CloseableIterable.<Long>empty());
  }

  FileScanTask task() {
    return task;
  }

  DataFile file() {
    return task.file();
  }

  String location() {
    return task.file().location();
  }

  List<DeleteFile> deletes() {
    return task.deletes();
  }

  /**
   * Replaces the file's delete files (a concurrent commit changed them); the removal must be
   * written again. {@code schema} is the table schema the merge writes with.
   */
  void replaceDeletes(List<DeleteFile> deletes, Schema schema) {
    this.task =
        new BaseFileScanTask(
            task.file(),
            deletes.toArray(DeleteFile[]::new),
            SchemaParser.toJson(schema),
            PartitionSpecParser.toJson(task.spec()),
            ResidualEvaluator.unpartitioned(Expressions.alwaysTrue()));
    this.previous = null;
    this.loaded = false;
    this.stale = true;
  }

  boolean stale() {
    return stale;
  }

  void markStale() {
    stale = true;
  }

  Removal removal() {
    return removal;
  }

  /** Rows of the file that the removal removes (matched rows not deleted already). */
  long removedRows() {
    return removedRows;
  }

  void removeWith(Removal newRemoval, long rows) {
    this.removal = requireNonNull(newRemoval, "newRemoval is null");
    this.removedRows = rows;
    this.stale = false;
  }

  /** The positions deleted by the file's position deletes or deletion vector; null if none. */
  PositionDeleteIndex previous() {
    if (!loaded) {
      loaded = true;
      List<DeleteFile> files = positionDeletes();
      previous =
          files.isEmpty()
              ? null
              : new BaseDeleteLoader(io::newInputFile).loadPositionDeletes(files, location());
    }
    return previous;
  }

  /** The matched rows that no delete file of the file removes yet, as a new index. */
  PositionDeleteIndex effective() {
    PositionDeleteIndex deleted = previous();
    PositionDeleteIndex effective = emptyIndex();
    matched.forEach(
        pos -> {
          if (deleted == null || !deleted.isDeleted(pos)) {
            effective.delete(pos);
          }
        });
    return effective;
  }

  /** The position delete files of this data file when all of them are file-scoped, else none. */
  List<DeleteFile> fileScopedPositionDeletes() {
    List<DeleteFile> files = positionDeletes();
    return files.stream().allMatch(ContentFileUtil::isFileScoped) ? files : List.of();
  }

  /** The position delete files (or deletion vector) that name only this data file. */
  List<DeleteFile> ownPositionDeletes() {
    return positionDeletes().stream().filter(ContentFileUtil::isFileScoped).toList();
  }

  private List<DeleteFile> positionDeletes() {
    return task.deletes().stream()
        .filter(file -> file.content() == FileContent.POSITION_DELETES)
        .toList();
  }

  /**
   * The delete files of {@code added} that apply to {@code file}: position deletes and deletion
   * vectors that name it (position delete files that span a partition, conservatively, always —
   * reading them keeps only this file's positions), and equality deletes of its partition (or
   * global ones) committed after it.
   */
  static List<DeleteFile> applying(
      Iterable<DeleteFile> added, DataFile file, Map<Integer, PartitionSpec> specs) {
    List<DeleteFile> applying = new ArrayList<>();
    for (DeleteFile delete : added) {
      if (applies(delete, file, specs)) {
        applying.add(delete);
      }
    }
    return applying;
  }

  private static boolean applies(
      DeleteFile delete, DataFile file, Map<Integer, PartitionSpec> specs) {
    if (delete.content() == FileContent.POSITION_DELETES) {
      String referenced = ContentFileUtil.referencedDataFileLocation(delete);
      return referenced == null || referenced.equals(file.location());
    }
    Long deleteSequence = delete.dataSequenceNumber();
    Long fileSequence = file.dataSequenceNumber();
    if (deleteSequence != null && fileSequence != null && deleteSequence <= fileSequence) {
      return false;
    }
    PartitionSpec spec = specs.get(delete.specId());
    if (spec == null || spec.isUnpartitioned()) {
      return true;
    }
    if (delete.specId() != file.specId()) {
      return false;
    }
    StructLikeWrapper deletePartition =
        StructLikeWrapper.forType(spec.partitionType()).set(delete.partition());
    return deletePartition.equals(
        StructLikeWrapper.forType(spec.partitionType()).set(file.partition()));
  }
}
