package dev.tidewater.planner.load;

import dev.tidewater.parser.ast.SqlLoad.SortDirection;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEDUP BY: keeps, for each merge key, the one row of the load that wins — the largest value of the
 * dedup column with DESC, the smallest with ASC, NULL losing to any value, and the later row
 * winning a tie.
 *
 * <p>The rows arrive validated and normalized, once, in source order (a MERGE reads its splits on
 * one thread). They are spilled to local Arrow IPC files, partitioned by a hash of the key, so that
 * the source is read only once (an API or a database may not answer the same rows twice) and memory
 * stays bounded: {@link #drain} then reads one partition at a time, finds each key's winner in a
 * map of that partition's keys, and reads the partition again to emit the winners. The partition
 * count comes from the source's size, about {@value #PARTITION_BYTES} bytes of source a partition.
 */
final class DedupSpill implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DedupSpill.class);
  static final long PARTITION_BYTES = 64L << 20;

  /** The most rows one partition's winner map is built over; a larger partition is split. */
  static final long MAX_PARTITION_ROWS = 1_000_000;

  private static final int SPLIT = 16;
  private static final int MAX_LEVELS = 4;
  private static final int UNKNOWN_SIZE_PARTITIONS = 16;
  private static final int MAX_PARTITIONS = 512;

  private final Schema schema;
  private final List<String> keys;
  private final String column;
  private final SortDirection direction;
  private final BufferAllocator allocator;
  private final Path directory;
  private final Partition[] partitions;
  private final long maxPartitionRows;
  private final List<Partition> opened = new ArrayList<>();

  private record Winner(Comparable<Object> value, long row) {}

  /** One spill file: its writer and the root the writer writes from. */
  private static final class Partition {
    final Path file;
    OutputStream out;
    ArrowStreamWriter writer;
    VectorSchemaRoot root;
    long rows;

    Partition(Path file) {
      this.file = file;
    }
  }

  /**
   * A spill of batches of {@code schema} under {@code parent} (a directory of its own is made
   * there), partitioned for a source of {@code estimatedBytes} (-1 when unknown).
   */
  DedupSpill(
      Path parent,
      String loadId,
      Schema schema,
      List<String> keys,
      String column,
      SortDirection direction,
      long estimatedBytes,
      BufferAllocator allocator) {
    this(
        parent,
        loadId,
        schema,
        keys,
        column,
        direction,
        estimatedBytes,
        allocator,
        MAX_PARTITION_ROWS);
  }

  /** As above, with the row count past which a partition is split. */
  DedupSpill(
      Path parent,
      String loadId,
      Schema schema,
      List<String> keys,
      String column,
      SortDirection direction,
      long estimatedBytes,
      BufferAllocator allocator,
      long maxPartitionRows) {
    this.maxPartitionRows = maxPartitionRows;
    this.schema = schema;
    this.keys = List.copyOf(keys);
    this.column = column;
    this.direction = direction;
    this.allocator = allocator;
    int count =
        estimatedBytes < 0
            ? UNKNOWN_SIZE_PARTITIONS
            : (int) Math.min(MAX_PARTITIONS, Math.max(1, estimatedBytes / PARTITION_BYTES + 1));
    try {
      Files.createDirectories(parent);
      this.directory = Files.createTempDirectory(parent, "tidewater-dedup-" + loadId + "-");
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "DEDUP BY cannot create its spill directory under %s: %s", parent, e.getMessage());
    }
    this.partitions = new Partition[count];
    for (int p = 0; p < count; p++) {
      partitions[p] = new Partition(directory.resolve("part-" + p + ".arrow"));
    }
  }

  int partitionCount() {
    return partitions.length;
  }

  /** Spills a batch (and closes it). */
  void add(VectorSchemaRoot batch) {
    try (batch) {
      route(batch, partitions, 0);
    }
  }

  /** Appends the rows of {@code batch} to the partitions their keys hash to at {@code level}. */
  private void route(VectorSchemaRoot batch, Partition[] targets, int level) {
    int rows = batch.getRowCount();
    if (rows == 0) {
      return;
    }
    if (targets.length == 1) {
      write(targets[0], batch);
      return;
    }
    List<FieldVector> keyVectors = keyVectors(batch);
    int[] counts = new int[targets.length];
    int[] partitionOf = new int[rows];
    for (int row = 0; row < rows; row++) {
      int partition = Math.floorMod(mix(key(keyVectors, row).hashCode(), level), targets.length);
      partitionOf[row] = partition;
      counts[partition]++;
    }
    for (int p = 0; p < targets.length; p++) {
      if (counts[p] == 0) {
        continue;
      }
      int[] selected = new int[counts[p]];
      int n = 0;
      for (int row = 0; row < rows; row++) {
        if (partitionOf[row] == p) {
          selected[n++] = row;
        }
      }
      try (VectorSchemaRoot part = Batches.copy(batch, selected, n, allocator)) {
        write(targets[p], part);
      }
    }
  }

  /** A different spread of the keys at each level of re-partitioning. */
  private static int mix(int hash, int level) {
    int mixed = hash * 0x9E3779B9 + level * 0x85EBCA6B;
    return mixed ^ (mixed >>> 16);
  }

  private void write(Partition partition, VectorSchemaRoot batch) {
    try {
      if (partition.writer == null) {
        opened.add(partition);
        partition.root = VectorSchemaRoot.create(schema, allocator);
        partition.out = Files.newOutputStream(partition.file);
        partition.writer =
            new ArrowStreamWriter(
                partition.root,
                new DictionaryProvider.MapDictionaryProvider(),
                Channels.newChannel(partition.out));
        partition.writer.start();
      }
      try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
        new VectorLoader(partition.root).load(record);
      }
      partition.writer.writeBatch();
      partition.rows += batch.getRowCount();
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "DEDUP BY cannot write its spill file %s: %s", partition.file, e.getMessage());
    }
  }

  /**
   * Emits the winning rows, a partition at a time; {@code out} takes ownership of each batch. Each
   * spill file is deleted once read.
   */
  void drain(Consumer<VectorSchemaRoot> out) {
    for (Partition partition : partitions) {
      drain(partition, 0, out);
    }
  }

  private void drain(Partition partition, int level, Consumer<VectorSchemaRoot> out) {
    if (partition.rows == 0) {
      return;
    }
    closeWriter(partition);
    if (partition.rows > maxPartitionRows && level < MAX_LEVELS) {
      // More keys than one map should hold (the source's size said otherwise, or it had none):
      // split the partition by another hash of the key, keeping the rows' order, and go on.
      Partition[] parts = new Partition[SPLIT];
      for (int p = 0; p < SPLIT; p++) {
        parts[p] =
            new Partition(
                partition.file.resolveSibling(
                    partition.file.getFileName() + "." + (level + 1) + "-" + p));
      }
      forEachBatch(partition, batch -> route(batch, parts, level + 1));
      deleteQuietly(partition.file);
      for (Partition part : parts) {
        drain(part, level + 1, out);
      }
      return;
    }
    Map<List<Object>, Winner> winners = new HashMap<>();
    long[] row = {0};
    forEachBatch(
        partition,
        batch -> {
          observe(batch, row[0], winners);
          row[0] += batch.getRowCount();
        });
    row[0] = 0;
    forEachBatch(
        partition,
        batch -> {
          VectorSchemaRoot kept = keepWinners(batch, row[0], winners);
          row[0] += batch.getRowCount();
          if (kept.getRowCount() == 0) {
            kept.close();
          } else {
            out.accept(kept);
          }
        });
    deleteQuietly(partition.file);
  }

  /** Reads a spill file's batches in the order they were written. */
  private void forEachBatch(Partition partition, Consumer<VectorSchemaRoot> action) {
    try (InputStream in = Files.newInputStream(partition.file);
        ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        action.accept(root);
      }
    } catch (IOException e) {
      throw failure(partition, e);
    }
  }

  private static RuntimeException failure(Partition partition, IOException e) {
    return TidewaterException.external(
        e, "DEDUP BY cannot read its spill file %s: %s", partition.file, e.getMessage());
  }

  @SuppressWarnings("unchecked")
  private void observe(VectorSchemaRoot batch, long firstRow, Map<List<Object>, Winner> winners) {
    FieldVector values = batch.getVector(column);
    List<FieldVector> keyVectors = keyVectors(batch);
    for (int row = 0; row < batch.getRowCount(); row++) {
      Comparable<Object> value = (Comparable<Object>) normalize(values.getObject(row));
      winners.merge(key(keyVectors, row), new Winner(value, firstRow + row), this::better);
    }
  }

  /** The winning rows of a batch, in a new root. */
  private VectorSchemaRoot keepWinners(
      VectorSchemaRoot batch, long firstRow, Map<List<Object>, Winner> winners) {
    List<FieldVector> keyVectors = keyVectors(batch);
    int[] kept = new int[batch.getRowCount()];
    int count = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      Winner winner = winners.get(key(keyVectors, row));
      if (winner != null && winner.row() == firstRow + row) {
        kept[count++] = row;
      }
    }
    return Batches.copy(batch, kept, count, allocator);
  }

  /** The later row wins a tie: rows are observed in source order. */
  private Winner better(Winner current, Winner candidate) {
    if (candidate.value() == null) {
      return current.value() == null ? candidate : current;
    }
    if (current.value() == null) {
      return candidate;
    }
    int compared = candidate.value().compareTo(current.value());
    if (direction == SortDirection.ASC) {
      compared = -compared;
    }
    return compared >= 0 ? candidate : current;
  }

  private List<FieldVector> keyVectors(VectorSchemaRoot batch) {
    List<FieldVector> vectors = new ArrayList<>(keys.size());
    for (String key : keys) {
      vectors.add(batch.getVector(key));
    }
    return vectors;
  }

  private static List<Object> key(List<FieldVector> vectors, int row) {
    List<Object> key = new ArrayList<>(vectors.size());
    for (FieldVector vector : vectors) {
      key.add(normalize(vector.getObject(row)));
    }
    return key;
  }

  /** Arrow's Text is mutable and byte arrays compare by identity: use Strings and buffers. */
  private static Object normalize(Object value) {
    if (value instanceof org.apache.arrow.vector.util.Text text) {
      return text.toString();
    }
    if (value instanceof byte[] bytes) {
      return java.nio.ByteBuffer.wrap(bytes.clone());
    }
    return value;
  }

  private static void closeWriter(Partition partition) {
    try {
      if (partition.writer != null) {
        partition.writer.end();
        partition.writer.close();
      }
    } catch (IOException e) {
      throw TidewaterException.external(
          e, "DEDUP BY cannot write its spill file %s: %s", partition.file, e.getMessage());
    } finally {
      partition.writer = null;
      if (partition.root != null) {
        partition.root.close();
        partition.root = null;
      }
    }
  }

  /** Closes every writer and deletes the spill directory. */
  @Override
  public void close() {
    for (Partition partition : opened) {
      try {
        closeWriter(partition);
      } catch (RuntimeException e) {
        LOG.warn("cannot close DEDUP BY spill file {}: {}", partition.file, e.toString());
      }
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path each : files.sorted(Comparator.reverseOrder()).toList()) {
        deleteQuietly(each);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete DEDUP BY spill directory {}: {}", directory, e.toString());
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot delete DEDUP BY spill file {}: {}", path, e.toString());
    }
  }
}
