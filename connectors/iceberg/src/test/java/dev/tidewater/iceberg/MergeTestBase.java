package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Tables of (region, id, name, amount) rows and MERGEs into them, read back with Iceberg's reader.
 */
abstract class MergeTestBase extends CatalogTestBase {
  static final String DELETE = "__delete";
  static final org.apache.arrow.vector.types.pojo.Schema ARROW =
      new org.apache.arrow.vector.types.pojo.Schema(
          List.of(
              Field.nullable("region", ArrowType.Utf8.INSTANCE),
              Field.nullable("id", new ArrowType.Int(64, true)),
              Field.nullable("name", ArrowType.Utf8.INSTANCE),
              Field.nullable("amount", new ArrowType.Int(32, true))));

  /** One row; {@code delete} marks a row of a merge that deletes its key. */
  record Item(String region, Long id, String name, Integer amount, boolean delete) {
    static Item of(long id, String name) {
      return new Item("eu", id, name, (int) id * 10, false);
    }

    static Item deleting(long id) {
      return new Item("eu", id, null, null, true);
    }

    @Override
    public String toString() {
      return region + "/" + id + "/" + name + "/" + amount;
    }
  }

  static Stream<Arguments> modesAndFormats() {
    return Stream.of(
        Arguments.of(MergeMode.MERGE_ON_READ, 2),
        Arguments.of(MergeMode.MERGE_ON_READ, 3),
        Arguments.of(MergeMode.COPY_ON_WRITE, 2),
        Arguments.of(MergeMode.COPY_ON_WRITE, 3));
  }

  /** Both modes on format v2, and deletion vectors on v3. */
  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of(MergeMode.MERGE_ON_READ, 2),
        Arguments.of(MergeMode.COPY_ON_WRITE, 2),
        Arguments.of(MergeMode.MERGE_ON_READ, 3));
  }

  final Map<String, List<String>> keysByTable = new HashMap<>();

  TableIdentifier id(String name) {
    return TableIdentifier.of("sales", name);
  }

  Table table(String name, int format, List<String> keys) {
    keysByTable.put(name, keys);
    return Tables.createOrLoad(
        catalog,
        id(name),
        ArrowSchemas.toIceberg(ARROW),
        PartitionSpec.unpartitioned(),
        Map.of(TableProperties.FORMAT_VERSION, Integer.toString(format)),
        keys);
  }

  static List<Item> items(long from, long to, String prefix) {
    return LongStream.rangeClosed(from, to).mapToObj(id -> Item.of(id, prefix + "-" + id)).toList();
  }

  void append(Table table, List<Item> items) {
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, 1);
        VectorSchemaRoot batch = batch(items, false)) {
      sink.append(batch);
      result = sink.finish();
    }
    TableCommitters.append().commit(table, result, Map.of());
    table.refresh();
  }

  MergeSink sink(Table table, MergeMode mode, Map<String, String> options, Long start) {
    String name = table.name().substring(table.name().lastIndexOf('.') + 1);
    return new MergeSink(table, keysByTable.get(name), mode, options, start, DELETE);
  }

  WriteResult write(MergeSink sink, List<Item> items) {
    try (sink;
        VectorSchemaRoot batch = batch(items)) {
      // two batches, to cross a batch boundary
      int half = items.size() / 2;
      try (VectorSchemaRoot first = batch(items.subList(0, half));
          VectorSchemaRoot rest = batch(items.subList(half, items.size()))) {
        sink.append(first);
        sink.append(rest);
      }
      assertThat(batch.getRowCount()).isEqualTo(items.size());
      return sink.finish();
    }
  }

  MergeStats merge(Table table, MergeMode mode, List<Item> items, Map<String, String> options) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    MergeSink sink = sink(table, mode, options, current == null ? null : current.snapshotId());
    WriteResult result = write(sink, items);
    Map<String, String> summary = new HashMap<>();
    summary.put("tidewater.load-id", "merge-1");
    sink.committer().commit(table, result, summary);
    table.refresh();
    return sink.stats();
  }

  VectorSchemaRoot batch(List<Item> items) {
    return batch(items, true);
  }

  VectorSchemaRoot batch(List<Item> items, boolean withDeleteColumn) {
    List<Field> fields = new ArrayList<>(ARROW.getFields());
    if (withDeleteColumn) {
      fields.add(new Field(DELETE, FieldType.nullable(ArrowType.Bool.INSTANCE), null));
    }
    VectorSchemaRoot root =
        VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields), allocator);
    root.allocateNew();
    VarCharVector region = (VarCharVector) root.getVector("region");
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    IntVector amount = (IntVector) root.getVector("amount");
    BitVector delete = (BitVector) root.getVector(DELETE);
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (item.region() != null) {
        region.setSafe(i, item.region().getBytes(StandardCharsets.UTF_8));
      }
      if (item.id() != null) {
        id.setSafe(i, item.id());
      }
      if (item.name() != null) {
        name.setSafe(i, item.name().getBytes(StandardCharsets.UTF_8));
      }
      if (item.amount() != null) {
        amount.setSafe(i, item.amount());
      }
      if (delete != null) {
        delete.setSafe(i, item.delete() ? 1 : 0);
      }
    }
    root.setRowCount(items.size());
    return root;
  }

  /** Every row, read with Iceberg's generic reader, as region/id/name/amount, by id then region. */
  static List<String> rows(Table table) {
    table.refresh();
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> iterable = IcebergGenerics.read(table).build()) {
      iterable.forEach(record -> records.add(record.copy()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    records.sort(
        (a, b) -> {
          int byId = Long.compare((Long) a.getField("id"), (Long) b.getField("id"));
          return byId != 0
              ? byId
              : ((String) a.getField("region")).compareTo((String) b.getField("region"));
        });
    return records.stream()
        .map(
            record ->
                record.getField("region")
                    + "/"
                    + record.getField("id")
                    + "/"
                    + record.getField("name")
                    + "/"
                    + record.getField("amount"))
        .toList();
  }

  static List<FileScanTask> tasks(Table table) {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
      planned.forEach(tasks::add);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return tasks;
  }

  static int snapshotCount(Table table) {
    int count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  Set<String> dataFilesOnDisk(Table table) {
    try (Stream<java.nio.file.Path> files =
        java.nio.file.Files.walk(
            java.nio.file.Path.of(java.net.URI.create(table.location() + "/data")))) {
      return Set.copyOf(
          files
              .filter(path -> path.toString().endsWith(".parquet"))
              .map(Object::toString)
              .toList());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
