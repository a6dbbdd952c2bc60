package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key lookup of a MERGE: the incoming keys (in memory up to the key memory, then spilled to
 * local files by hash partition) and the passes over target data files' key columns that mark the
 * rows holding an incoming key — one pass with the keys in memory, or one per run of spilled
 * partitions that fits in memory. Counts the keys that matched a row in any pass so far.
 */
final class MergeKeyLookup {
  private static final Logger LOG = LoggerFactory.getLogger(MergeKeyLookup.class);

  private final Table table;
  private final MergeKeys keys;
  private final Schema keySchema;
  private final FileIO io;
  private final int threads;
  private final long keyMemory;
  private final Path spillDirectory;
  private MergeKeySet keySet = new MergeKeySet();
  private MergeKeySpill spill;
  // spilled keys: the runs of hash partitions that fit in memory, and per run which of its keys
  // (in the order the run reads them) matched a target row in any pass so far
  private List<int[]> groups;
  private BitSet[] matchedInGroup;
  private long[] updatedInGroup;
  private long[] deletedInGroup;
  private int keyPasses;

  MergeKeyLookup(
      Table table, MergeKeys keys, FileIO io, int threads, long keyMemory, Path spillDirectory) {
    this.table = table;
    this.keys = keys;
    this.keySchema = new Schema(keys.fields());
    this.io = io;
    this.threads = threads;
    this.keyMemory = keyMemory;
    this.spillDirectory = spillDirectory;
  }

  /** The incoming keys that matched a target row and were upserts. */
  long updated() {
    return sum(updatedInGroup);
  }

  /** The incoming keys that matched a target row and were deletes. */
  long deleted() {
    return sum(deletedInGroup);
  }

  /** The passes over the starting snapshot's key columns. */
  int passes() {
    return keyPasses;
  }

  private static long sum(long[] counts) {
    long total = 0;
    if (counts != null) {
      for (long count : counts) {
        total += count;
      }
    }
    return total;
  }

  /** Adds the key in {@code buffer} of load row {@code rowNumber}; a repeated key fails. */
  void add(MergeKeys.Buffer buffer, byte flags, long rowNumber) {
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
    MergeKeys.Buffer buffer = new MergeKeys.Buffer();
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

  /** Frees the keys in memory and deletes the spill files. */
  void release() {
    if (spill != null) {
      spill.close();
      spill = null;
    }
    keySet = null;
  }

  /**
   * Records in each of {@code files} the positions of rows whose key came in: one pass over the
   * files' key columns with the keys in memory, or one pass per run of spilled keys that fits in
   * memory. Counts the keys that matched a row in any pass so far.
   */
  void find(List<MergeTarget> files, Expression filter, boolean startingSnapshot) {
    NameMapping nameMapping = MergeRemovals.nameMapping(table);
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
}
