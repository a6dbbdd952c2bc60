package dev.tidewater.iceberg;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * What the commits after one snapshot changed, read from those commits' own manifests only (never
 * the whole table): the data and delete files they added that are still live, and the files of the
 * earlier snapshot they removed. A MERGE that lost a commit race re-plans from it.
 */
final class MergeDelta {
  private final Map<String, DataFile> addedDataFiles = new LinkedHashMap<>();
  private final Set<String> removedDataFiles = new HashSet<>();
  private final Map<String, DeleteFile> addedDeleteFiles = new LinkedHashMap<>();
  private final Set<String> removedDeleteFiles = new HashSet<>();
  private int snapshots;

  private MergeDelta() {}

  /**
   * The changes of the snapshots after {@code from} (exclusive; null: every snapshot) up to {@code
   * to} (inclusive) on the lineage of {@code to} in {@code metadata}. Fails with an external error
   * when {@code from} is not an ancestor of {@code to} — the table was rolled back, or the
   * snapshots in between expired — since then the changes cannot be known.
   */
  static MergeDelta between(TableMetadata metadata, Long from, long to, FileIO io, String table) {
    if (from != null && !SnapshotUtil.isAncestorOf(to, from, metadata::snapshot)) {
      throw historyRewritten(table, from, to);
    }
    List<Snapshot> newer = new ArrayList<>();
    SnapshotUtil.ancestorsBetween(to, from, metadata::snapshot).forEach(newer::add);
    Collections.reverse(newer);
    MergeDelta delta = new MergeDelta();
    for (Snapshot snapshot : newer) {
      delta.snapshots++;
      for (DataFile file : snapshot.addedDataFiles(io)) {
        delta.addedDataFiles.put(file.location(), file);
      }
      for (DataFile file : snapshot.removedDataFiles(io)) {
        if (delta.addedDataFiles.remove(file.location()) == null) {
          delta.removedDataFiles.add(file.location());
        }
      }
      for (DeleteFile file : snapshot.addedDeleteFiles(io)) {
        delta.addedDeleteFiles.put(key(file), file);
      }
      for (DeleteFile file : snapshot.removedDeleteFiles(io)) {
        if (delta.addedDeleteFiles.remove(key(file)) == null) {
          delta.removedDeleteFiles.add(key(file));
        }
      }
    }
    return delta;
  }

  static TidewaterException historyRewritten(String table, long from, Long to) {
    return new TidewaterException(
        ErrorKind.EXTERNAL,
        String.format(
            "the merge into %s cannot be re-planned: snapshot %d, which it read, is no longer in the"
                + " history of the table%s (a rollback, or expired snapshots); nothing was"
                + " committed, run the load again",
            table, from, to == null ? "" : "'s current snapshot " + to),
        null);
  }

  /**
   * Identifies a delete file: deletion vectors of one commit share a Puffin file and differ by
   * their offset in it.
   */
  static String key(DeleteFile file) {
    return file.contentOffset() == null
        ? file.location()
        : file.location() + "#" + file.contentOffset();
  }

  /** Data files added after the earlier snapshot and live in the later one, by location. */
  Map<String, DataFile> addedDataFiles() {
    return addedDataFiles;
  }

  /** Locations of data files of the earlier snapshot that are gone in the later one. */
  Set<String> removedDataFiles() {
    return removedDataFiles;
  }

  /** Delete files added after the earlier snapshot and live in the later one, by {@link #key}. */
  Map<String, DeleteFile> addedDeleteFiles() {
    return addedDeleteFiles;
  }

  /** {@link #key Keys} of delete files of the earlier snapshot that are gone in the later one. */
  Set<String> removedDeleteFiles() {
    return removedDeleteFiles;
  }

  /** How many snapshots the delta spans. */
  int snapshots() {
    return snapshots;
  }
}
