package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;

/**
 * The deleted positions of data files as scans loaded them, shared by every scan of the process:
 * position delete files and deletion vectors never change once written, so what one query loaded
 * serves the next without reading the delete files again (loading them through Iceberg's generic
 * reader was most of a {@code count(*)} and a sixth of a GROUP BY). No entry is ever stale, so
 * nothing is invalidated; the least recently used entries leave when the positions held pass the
 * bound.
 *
 * <p>An entry is keyed by the table's UUID, the data file, and the location, offset, size and
 * record count of each delete file that applies to it. The UUID keeps catalogs apart that answer
 * the same paths for different tables (a table's UUID is made when the table is created); two
 * catalogs over the same table share its entries, which hold the same positions. A table without a
 * UUID (very old format 1 metadata) is not cached.
 */
final class DeletedRowsCache {
  /** Bytes held per cached position (a {@code long}), and a fixed cost per entry. */
  private static final long POSITION_BYTES = Long.BYTES;

  private static final long ENTRY_BYTES = 256;

  /**
   * The process's cache: {@code -Dtidewater.iceberg.deleted-rows-cache-bytes} (default 128 MiB, 16
   * M positions; 0 turns it off).
   */
  static final DeletedRowsCache SHARED =
      new DeletedRowsCache(Long.getLong("tidewater.iceberg.deleted-rows-cache-bytes", 128L << 20));

  /** One delete file as it applies: a deletion vector is a blob at an offset of a Puffin file. */
  record DeleteKey(String location, long offset, long size, long records) {
    DeleteKey {
      requireNonNull(location, "location is null");
    }

    static DeleteKey of(DeleteFile file) {
      Long offset = file.contentOffset();
      return new DeleteKey(
          file.location(),
          offset == null ? -1 : offset,
          file.fileSizeInBytes(),
          file.recordCount());
    }
  }

  /** The positions of one data file under the deletes that apply to it in one table. */
  record Key(UUID table, String dataFile, List<DeleteKey> deletes) {
    Key {
      requireNonNull(table, "table is null");
      requireNonNull(dataFile, "dataFile is null");
      deletes = List.copyOf(deletes);
    }
  }

  private final long maxBytes;
  private final LinkedHashMap<Key, DeletedRows> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;

  /** A cache of at most {@code maxBytes} of positions (0: none kept). */
  DeletedRowsCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The key of {@code task}'s deleted rows in {@code table}; null when it is not cached. */
  static Key key(Table table, FileScanTask task) {
    UUID uuid;
    try {
      uuid = table.uuid();
    } catch (RuntimeException e) {
      // metadata without a UUID (BaseTable parses null), or a table type that has none
      return null;
    }
    if (uuid == null) {
      return null;
    }
    List<DeleteKey> deletes = new ArrayList<>(task.deletes().size());
    for (DeleteFile delete : task.deletes()) {
      deletes.add(DeleteKey.of(delete));
    }
    return new Key(uuid, task.file().location(), deletes);
  }

  /**
   * The deleted rows under {@code key} (null: uncached), loaded by {@code load} when they are not
   * held. Loads run outside the lock: two scans missing the same key at once may both load it, and
   * the first one kept wins.
   */
  DeletedRows get(Key key, Supplier<DeletedRows> load) {
    if (key == null || maxBytes <= 0) {
      return load.get();
    }
    synchronized (this) {
      DeletedRows held = entries.get(key);
      if (held != null) {
        hits++;
        return held;
      }
      misses++;
    }
    DeletedRows loaded = load.get();
    long weight = weight(loaded);
    if (weight > maxBytes) {
      return loaded;
    }
    synchronized (this) {
      DeletedRows held = entries.get(key);
      if (held != null) {
        return held;
      }
      entries.put(key, loaded);
      bytes += weight;
      Iterator<Map.Entry<Key, DeletedRows>> oldest = entries.entrySet().iterator();
      while (bytes > maxBytes && oldest.hasNext()) {
        Map.Entry<Key, DeletedRows> entry = oldest.next();
        bytes -= weight(entry.getValue());
        oldest.remove();
      }
    }
    return loaded;
  }

  private static long weight(DeletedRows rows) {
    return ENTRY_BYTES + rows.count() * POSITION_BYTES;
  }

  /** How many lookups found their entry. */
  synchronized long hits() {
    return hits;
  }

  /** How many lookups had to load. */
  synchronized long misses() {
    return misses;
  }

  /** The entries held. */
  synchronized int size() {
    return entries.size();
  }

  /** The bytes the held entries count for. */
  synchronized long bytes() {
    return bytes;
  }
}
