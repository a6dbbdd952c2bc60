package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MergeSinkTest extends MergeTestBase {
  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void replacesRowsWithIncomingKeysAndInsertsTheRest(MergeMode mode, int format) {
    Table table = table("upsert", format, List.of("id"));
    append(table, items(1, 10, "old"));
    int snapshots = snapshotCount(table);

    MergeStats stats = merge(table, mode, items(5, 14, "new"), Map.of());

    List<String> expected = new ArrayList<>();
    items(1, 4, "old").forEach(item -> expected.add(item.toString()));
    items(5, 14, "new").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    assertThat(stats.rowsUpdated()).isEqualTo(6);
    assertThat(stats.rowsInserted()).isEqualTo(4);
    assertThat(stats.targetRowsRemoved()).isEqualTo(6);
    assertThat(stats.keyPasses()).isEqualTo(1);

    table.refresh();
    assertThat(snapshotCount(table)).isEqualTo(snapshots + 1);
    Snapshot snapshot = table.currentSnapshot();
    assertThat(snapshot.summary()).containsEntry("tidewater.load-id", "merge-1");
    assertThat(snapshot.operation()).isEqualTo(DataOperations.OVERWRITE);
    if (mode == MergeMode.MERGE_ON_READ) {
      assertThat(snapshot.summary()).containsEntry("added-position-deletes", "6");
      assertThat(snapshot.summary()).doesNotContainKey("deleted-data-files");
    } else {
      assertThat(snapshot.summary()).containsEntry("deleted-data-files", "1");
      assertThat(snapshot.summary().get("total-delete-files")).isEqualTo("0");
      assertThat(stats.targetFilesRewritten()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void mergesOnTopOfEarlierDeletesKeepOneDeleteFilePerDataFile(MergeMode mode, int format) {
    Table table = table("again", format, List.of("id"));
    append(table, items(1, 10, "old"));

    merge(table, mode, items(3, 6, "second"), Map.of());
    MergeStats stats = merge(table, mode, items(5, 8, "third"), Map.of());

    List<String> expected = new ArrayList<>();
    items(1, 2, "old").forEach(item -> expected.add(item.toString()));
    items(3, 4, "second").forEach(item -> expected.add(item.toString()));
    items(5, 8, "third").forEach(item -> expected.add(item.toString()));
    items(9, 10, "old").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    // rows deleted by the first merge are not deleted (or counted) again
    assertThat(stats.targetRowsRemoved()).isEqualTo(4);
    assertThat(stats.rowsUpdated()).isEqualTo(4);
    for (FileScanTask task : tasks(table)) {
      assertThat(task.deletes())
          .as("delete files of %s", task.file().location())
          .hasSizeLessThan(2);
    }
  }

  @ParameterizedTest
  @MethodSource("modes")
  void deleteRowsRemoveTheirKeyAndAreNotInserted(MergeMode mode, int format) {
    Table table = table("deletes", format, List.of("id"));
    append(table, items(1, 5, "old"));

    MergeStats stats =
        merge(
            table,
            mode,
            List.of(Item.deleting(2), Item.of(3, "new"), Item.deleting(9), Item.of(10, "new")),
            Map.of());

    assertThat(rows(table))
        .containsExactly(
            "eu/1/old-1/10", "eu/3/new/30", "eu/4/old-4/40", "eu/5/old-5/50", "eu/10/new/100");
    assertThat(stats.rowsDeleted()).isEqualTo(1);
    assertThat(stats.deleteRowsUnmatched()).isEqualTo(1);
    assertThat(stats.rowsUpdated()).isEqualTo(1);
    assertThat(stats.rowsInserted()).isEqualTo(1);
  }

  @Test
  void bothModesLeaveTheSameRows() {
    Table onRead = table("on_read", 2, List.of("id"));
    Table onWrite = table("on_write", 2, List.of("id"));
    for (Table table : List.of(onRead, onWrite)) {
      append(table, items(1, 40, "a"));
      append(table, items(41, 80, "b"));
    }
    List<Item> first = new ArrayList<>(items(30, 50, "c"));
    first.add(Item.deleting(2));
    first.add(Item.deleting(79));
    List<Item> second = new ArrayList<>(items(45, 90, "d"));
    second.add(Item.deleting(31));

    for (List<Item> load : List.of(first, second)) {
      merge(onRead, MergeMode.MERGE_ON_READ, load, Map.of());
      merge(onWrite, MergeMode.COPY_ON_WRITE, load, Map.of());
    }

    // ids 1..90 without 2 and 31 (79, deleted first, comes back)
    assertThat(rows(onRead)).hasSize(88).containsExactlyElementsOf(rows(onWrite));
  }

  @Test
  void readsOnlyDataFilesWhoseKeyRangeCanHoldAnIncomingKey() {
    Table table = table("pruned", 2, List.of("id"));
    append(table, items(0, 99, "a"));
    append(table, items(100, 199, "b"));
    append(table, items(200, 299, "c"));

    MergeStats few = merge(table, MergeMode.MERGE_ON_READ, items(150, 160, "x"), Map.of());
    assertThat(few.targetFilesScanned()).isEqualTo(1);
    assertThat(few.targetFilesSkipped()).isEqualTo(2);

    // more distinct keys than an IN list holds: pruned by the keys' range
    MergeStats many = merge(table, MergeMode.MERGE_ON_READ, items(250, 600, "y"), Map.of());
    assertThat(many.targetFilesScanned()).isEqualTo(1);
    assertThat(many.targetFilesSkipped()).isEqualTo(3);
    assertThat(many.rowsUpdated()).isEqualTo(50);
    assertThat(rows(table)).hasSize(601);
  }

  @Test
  void repeatedIncomingKeyIsAnErrorNamingTheKey() {
    Table table = table("repeated", 2, List.of("id"));
    append(table, items(1, 3, "old"));

    assertThatThrownBy(
            () ->
                merge(
                    table,
                    MergeMode.MERGE_ON_READ,
                    List.of(Item.of(7, "a"), Item.of(8, "b"), Item.of(7, "c")),
                    Map.of()))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining("row 3 of the load repeats key (id) = 7")
        .hasMessageContaining("DEDUP BY");
    assertThat(rows(table)).hasSize(3);
    assertThat(dataFilesOnDisk(table)).hasSize(1);
  }

  @Test
  void compositeKeysWithAStringColumn() {
    Table table = table("composite", 2, List.of("region", "id"));
    append(
        table,
        List.of(
            new Item("eu", 1L, "eu-1", 1, false),
            new Item("us", 1L, "us-1", 2, false),
            new Item("eu", 2L, "eu-2", 3, false)));

    MergeStats stats =
        merge(
            table,
            MergeMode.MERGE_ON_READ,
            List.of(new Item("us", 1L, "us-1b", 20, false), new Item("us", 2L, "us-2", 30, false)),
            Map.of());

    assertThat(rows(table))
        .containsExactly("eu/1/eu-1/1", "us/1/us-1b/20", "eu/2/eu-2/3", "us/2/us-2/30");
    assertThat(stats.rowsUpdated()).isEqualTo(1);
    assertThat(stats.rowsInserted()).isEqualTo(1);

    assertThatThrownBy(
            () ->
                merge(
                    table,
                    MergeMode.MERGE_ON_READ,
                    List.of(
                        new Item("it's", 5L, "a", 1, false), new Item("it's", 5L, "b", 2, false)),
                    Map.of()))
        .hasMessageContaining("repeats key (region, id) = ('it''s', 5)");
  }

  @Test
  void nullKeysAreRejected() {
    Table table = table("null_keys", 2, List.of("region", "id"));

    assertThatThrownBy(
            () ->
                merge(
                    table,
                    MergeMode.MERGE_ON_READ,
                    List.of(Item.of(1, "a"), new Item(null, 2L, "b", 1, false)),
                    Map.of()))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
        .hasMessageContaining("key column 'region' is null in row 2 of the load");
  }

  @ParameterizedTest
  @MethodSource("modes")
  void keysBeyondTheMemoryLimitSpillToDisk(MergeMode mode, int format) {
    Table table = table("spilled", format, List.of("id"));
    append(table, items(1, 600, "old"));
    append(table, items(601, 1200, "old"));
    java.nio.file.Path spillDirectory = dataDir.resolve("spill");
    Map<String, String> tiny =
        Map.of(
            MergeSink.KEY_MEMORY_OPTION,
            "24KB",
            MergeSink.SPILL_DIRECTORY_OPTION,
            spillDirectory.toString());

    List<Item> load = new ArrayList<>(items(500, 1600, "new"));
    load.add(Item.deleting(10));
    MergeStats stats = merge(table, mode, load, tiny);

    assertThat(stats.keyPasses()).isGreaterThan(1);
    assertThat(stats.rowsUpdated()).isEqualTo(701);
    assertThat(stats.rowsInserted()).isEqualTo(400);
    assertThat(stats.rowsDeleted()).isEqualTo(1);
    List<String> rows = rows(table);
    assertThat(rows).hasSize(1599);
    assertThat(rows.get(0)).isEqualTo("eu/1/old-1/10");
    assertThat(rows).doesNotContain("eu/10/old-10/100").contains("eu/1000/new-1000/10000");
    assertThat(spillDirectory).isEmptyDirectory();

    List<Item> repeated = new ArrayList<>(items(1, 1200, "x"));
    repeated.add(Item.of(1134, "again"));
    assertThatThrownBy(() -> merge(table, mode, repeated, tiny))
        .hasMessageContaining("more than one row with key (id) = 1134");
    assertThat(spillDirectory).isEmptyDirectory();
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void switchingModesBetweenLoadsKeepsTheRows(MergeMode mode, int format) {
    Table table = table("switching", format, List.of("id"));
    append(table, items(1, 20, "old"));
    MergeMode other =
        mode == MergeMode.MERGE_ON_READ ? MergeMode.COPY_ON_WRITE : MergeMode.MERGE_ON_READ;

    merge(table, mode, items(5, 10, "first"), Map.of());
    merge(table, other, items(8, 12, "second"), Map.of());
    merge(table, mode, List.of(Item.deleting(1), Item.deleting(9), Item.of(20, "third")), Map.of());

    List<String> expected = new ArrayList<>();
    items(2, 4, "old").forEach(item -> expected.add(item.toString()));
    items(5, 7, "first").forEach(item -> expected.add(item.toString()));
    List.of(8L, 10L, 11L, 12L).forEach(id -> expected.add(Item.of(id, "second-" + id).toString()));
    items(13, 19, "old").forEach(item -> expected.add(item.toString()));
    expected.add(Item.of(20, "third").toString());
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    for (FileScanTask task : tasks(table)) {
      assertThat(task.deletes()).hasSizeLessThan(2);
    }
  }

  @ParameterizedTest
  @MethodSource("modes")
  void partitionedTables(MergeMode mode, int format) {
    keysByTable.put("partitioned", List.of("id"));
    Schema schema = Tables.withIdentifierFields(ArrowSchemas.toIceberg(ARROW), List.of("id"));
    Table table =
        Tables.createOrLoad(
            catalog,
            id("partitioned"),
            schema,
            Partitioning.spec(
                schema,
                List.of(PartitionTerm.identity("region"), new PartitionTerm("bucket", "id", 4))),
            Map.of(TableProperties.FORMAT_VERSION, Integer.toString(format)));
    List<Item> initial = new ArrayList<>();
    for (long id = 1; id <= 40; id++) {
      initial.add(new Item(id % 2 == 0 ? "eu" : "us", id, "old-" + id, (int) id, false));
    }
    append(table, initial);

    // id 3 moves from us to eu: its old row is deleted in the other partition
    MergeStats stats =
        merge(
            table,
            mode,
            List.of(
                new Item("eu", 3L, "moved", 3, false),
                new Item("eu", 4L, "new-4", 4, false),
                Item.deleting(5),
                new Item("us", 41L, "new-41", 41, false)),
            Map.of());

    List<String> rows = rows(table);
    assertThat(rows).hasSize(40).contains("eu/3/moved/3", "eu/4/new-4/4", "us/41/new-41/41");
    assertThat(rows).doesNotContain("us/3/old-3/3", "us/5/old-5/5");
    assertThat(stats.targetRowsRemoved()).isEqualTo(3);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void rowsRemovedByEqualityDeletesOfOtherEnginesStayRemoved(MergeMode mode, int format)
      throws IOException {
    Table table = table("equality", format, List.of("id"));
    append(table, items(1, 10, "old"));
    // another engine (e.g. Flink) deleted the rows named 'old-3' and 'old-7' by equality
    Schema nameOnly = table.schema().select("name");
    org.apache.iceberg.deletes.EqualityDeleteWriter<Record> writer =
        new org.apache.iceberg.data.GenericFileWriterFactory.Builder(table)
            .equalityFieldIds(new int[] {table.schema().findField("name").fieldId()})
            .equalityDeleteRowSchema(nameOnly)
            .build()
            .newEqualityDeleteWriter(
                org.apache.iceberg.io.OutputFileFactory.builderFor(table, 9, 9)
                    .build()
                    .newOutputFile(),
                table.spec(),
                null);
    try (writer) {
      for (String name : List.of("old-3", "old-7")) {
        Record record = org.apache.iceberg.data.GenericRecord.create(nameOnly);
        record.setField("name", name);
        writer.write(record);
      }
    }
    table.newRowDelta().addDeletes(writer.toDeleteFile()).commit();

    merge(table, mode, items(6, 8, "new"), Map.of());

    List<String> expected = new ArrayList<>();
    List.of(1L, 2L, 4L, 5L, 9L, 10L).forEach(i -> expected.add(Item.of(i, "old-" + i).toString()));
    items(6, 8, "new").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void decimalAndDateKeysGoThroughIcebergsGeneralReader() {
    org.apache.arrow.vector.types.pojo.Schema arrow =
        new org.apache.arrow.vector.types.pojo.Schema(
            List.of(
                Field.nullable("code", new ArrowType.Decimal(10, 2, 128)),
                Field.nullable(
                    "day", new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY)),
                Field.nullable("name", ArrowType.Utf8.INSTANCE)));
    Table table =
        Tables.createOrLoad(
            catalog,
            id("decimals"),
            ArrowSchemas.toIceberg(arrow),
            PartitionSpec.unpartitioned(),
            Map.of(),
            List.of("code", "day"));
    Object[][] initial = {{"1.50", 1, "a"}, {"1.50", 2, "b"}, {"2.25", 1, "c"}};
    Object[][] incoming = {{"1.50", 2, "B"}, {"9.99", 3, "d"}};
    try (VectorSchemaRoot first = decimalBatch(arrow, initial);
        ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), 0, 1)) {
      sink.append(first);
      TableCommitters.append().commit(table, sink.finish(), Map.of());
    }
    table.refresh();
    MergeSink merge =
        new MergeSink(
            table,
            List.of("code", "day"),
            MergeMode.MERGE_ON_READ,
            Map.of(),
            table.currentSnapshot().snapshotId(),
            null);
    try (merge;
        VectorSchemaRoot batch = decimalBatch(arrow, incoming)) {
      merge.append(batch);
      merge.committer().commit(table, merge.finish(), Map.of());
    }

    List<String> names = new ArrayList<>();
    table.refresh();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(
          record ->
              names.add(
                  record.getField("code")
                      + "@"
                      + record.getField("day")
                      + "="
                      + record.getField("name")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "1.50@1970-01-02=a", "1.50@1970-01-03=B", "2.25@1970-01-02=c", "9.99@1970-01-04=d");
    assertThat(merge.stats().rowsUpdated()).isEqualTo(1);
  }

  private VectorSchemaRoot decimalBatch(
      org.apache.arrow.vector.types.pojo.Schema arrow, Object[][] rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(arrow, allocator);
    root.allocateNew();
    for (int i = 0; i < rows.length; i++) {
      ((org.apache.arrow.vector.DecimalVector) root.getVector("code"))
          .setSafe(i, new java.math.BigDecimal((String) rows[i][0]));
      ((org.apache.arrow.vector.DateDayVector) root.getVector("day"))
          .setSafe(i, (Integer) rows[i][1]);
      ((VarCharVector) root.getVector("name"))
          .setSafe(i, ((String) rows[i][2]).getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(rows.length);
    return root;
  }

  @ParameterizedTest
  @MethodSource("modes")
  void concurrentAppendOfOtherKeysDoesNotConflict(MergeMode mode, int format) {
    Table table = table("concurrent_append", format, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    WriteResult result;
    MergeSink sink = sink(table, mode, Map.of(), start);
    try (sink;
        VectorSchemaRoot batch = batch(items(5, 12, "new"))) {
      sink.append(batch);
      result = sink.finish();
    }

    append(catalog.loadTable(id("concurrent_append")), items(100, 105, "other"));
    sink.committer().commit(table, result, Map.of());

    assertThat(rows(table)).hasSize(18).contains("eu/5/new-5/50", "eu/100/other-100/1000");
  }

  @Test
  void snapshotIsolationLetsAConcurrentAppendOfAnIncomingKeyThrough() {
    Table table = table("snapshot_isolation", 2, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink =
        sink(
            table,
            MergeMode.MERGE_ON_READ,
            Map.of(TableProperties.MERGE_ISOLATION_LEVEL, "snapshot"),
            start);
    WriteResult result = write(sink, items(8, 12, "new"));

    append(table, items(11, 11, "concurrent"));
    sink.committer().commit(table, result, Map.of());

    // the key 11 now has two rows: what snapshot isolation allows
    assertThat(rows(table)).hasSize(13).contains("eu/11/new-11/110", "eu/11/concurrent-11/110");
  }

  @Test
  void mergeIntoANewTableIsAnAppendInTheCreateTransaction() {
    keysByTable.put("created", List.of("id"));
    Schema schema = Tables.withIdentifierFields(ArrowSchemas.toIceberg(ARROW), List.of("ID"));
    Transaction create =
        catalog
            .buildTable(id("created"), schema)
            .withProperty(TableProperties.FORMAT_VERSION, "2")
            .createTransaction();
    MergeSink sink = sink(create.table(), MergeMode.MERGE_ON_READ, Map.of(), null);
    WriteResult result = write(sink, items(1, 3, "new"));
    sink.committer().commit(create, result, Map.of("tidewater.load-id", "created"));

    Table table = catalog.loadTable(id("created"));
    assertThat(table.schema().identifierFieldNames()).containsExactly("id");
    assertThat(table.schema().findField("id").isRequired()).isTrue();
    assertThat(rows(table)).containsExactly("eu/1/new-1/10", "eu/2/new-2/20", "eu/3/new-3/30");
    assertThat(sink.stats().rowsInserted()).isEqualTo(3);
    assertThat(sink.stats().targetFilesScanned()).isZero();
  }

  @Test
  void createOrLoadSetsIdentifierFieldsOfANewTable() {
    Table table =
        Tables.createOrLoad(
            catalog,
            id("keyed"),
            ArrowSchemas.toIceberg(ARROW),
            PartitionSpec.unpartitioned(),
            Map.of(),
            List.of("region", "id"));

    assertThat(table.schema().identifierFieldNames()).containsExactlyInAnyOrder("region", "id");
    assertThat(table.schema().findField("name").isOptional()).isTrue();
    assertThatThrownBy(
            () ->
                Tables.withIdentifierFields(
                    new Schema(Types.NestedField.optional(1, "score", Types.DoubleType.get())),
                    List.of("score")))
        .hasMessageContaining("cannot be a MERGE key");
  }

  @Test
  void modeComesFromTheOptionThenTheTableProperty() {
    Table table = table("modes", 2, List.of("id"));
    assertThat(MergeMode.forLoad(table, Map.of())).isEqualTo(MergeMode.MERGE_ON_READ);
    assertThat(MergeMode.forLoad(table, Map.of("MERGE_MODE", "copy-on-write")))
        .isEqualTo(MergeMode.COPY_ON_WRITE);
    table.updateProperties().set(TableProperties.MERGE_MODE, "copy-on-write").commit();
    assertThat(MergeMode.forLoad(table, Map.of())).isEqualTo(MergeMode.COPY_ON_WRITE);
    assertThat(MergeMode.forLoad(table, Map.of("merge_mode", "merge_on_read")))
        .isEqualTo(MergeMode.MERGE_ON_READ);
    assertThatThrownBy(() -> MergeMode.forLoad(table, Map.of("merge_mode", "eventually")))
        .hasMessageContaining("expected 'merge-on-read' or 'copy-on-write'");
  }
}
