package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.spi.BatchReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vectorized scan ({@link IcebergBatchScan}) against Iceberg's own generic reader, over tables
 * that MERGE rewrote: position deletes (v2), deletion vectors (v3) and copy-on-write rewrites, in
 * several files read at once and across batch boundaries.
 */
class IcebergBatchScanTest extends MergeTestBase {
  @ParameterizedTest
  @MethodSource("modes")
  void readsMergedTablesLikeIcebergsReader(MergeMode mode, int format) {
    Table table = table("scan_" + mode.name().toLowerCase() + "_" + format, format, List.of("id"));
    append(table, items(1, 400, "a"));
    append(table, items(401, 800, "b"));
    merge(table, mode, items(350, 450, "c"), Map.of());
    List<MergeTestBase.Item> deletes = new ArrayList<>();
    for (long id = 10; id <= 790; id += 20) {
      deletes.add(Item.deleting(id));
    }
    merge(table, mode, deletes, Map.of());

    assertThat(IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue()).vectorized())
        .isTrue();
    List<String> expected = rows(table);
    assertThat(expected).hasSize(800 - deletes.size());
    assertThat(vectorizedRows(table, 37, 1, true)).isEqualTo(expected);
    assertThat(vectorizedRows(table, 100, IcebergScans.PARALLELISM, true)).isEqualTo(expected);
    // the batches of an aggregate's scan come in the order they are read: the same rows
    assertThat(vectorizedRows(table, 100, 2, false)).isEqualTo(expected);
    assertThat(vectorizedRows(table, 7, 3, false)).isEqualTo(expected);
    // count(*) without reading data files: record counts less the deleted positions
    assertThat(
            IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue())
                .rowCountFromStatistics())
        .hasValue(expected.size());
    assertThat(
            IcebergBatchScan.plan(table, null, List.of(), Expressions.lessThan("id", 100L))
                .rowCountFromStatistics())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aSecondScanTakesTheDeletedRowsFromTheCacheAndAnswersTheSame(int format) {
    Table table = table("cached_" + format, format, List.of("id"));
    append(table, items(1, 300, "a"));
    append(table, items(301, 600, "b"));
    List<MergeTestBase.Item> deletes = new ArrayList<>();
    for (long id = 3; id <= 600; id += 7) {
      deletes.add(Item.deleting(id));
    }
    merge(table, MergeMode.MERGE_ON_READ, deletes, Map.of());
    List<String> expected = rows(table);
    long filesWithDeletes =
        IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue()).files();

    assertThat(vectorizedRows(table, 50, 2, false)).isEqualTo(expected);
    long hits = DeletedRowsCache.SHARED.hits();
    assertThat(vectorizedRows(table, 50, 2, false)).isEqualTo(expected);
    assertThat(
            IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue())
                .rowCountFromStatistics())
        .hasValue(expected.size());
    // both data files have deletes: each is found in the cache by the scan and by the count
    assertThat(DeletedRowsCache.SHARED.hits() - hits).isGreaterThanOrEqualTo(2 * filesWithDeletes);

    // a later merge adds delete files: the data files' entries under the old deletes do not apply
    merge(table, MergeMode.MERGE_ON_READ, List.of(Item.deleting(1), Item.deleting(600)), Map.of());
    List<String> after = rows(table);
    assertThat(after).hasSize(expected.size() - 2);
    assertThat(vectorizedRows(table, 50, 2, false)).isEqualTo(after);
    assertThat(
            IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue())
                .rowCountFromStatistics())
        .hasValue(after.size());
  }

  /**
   * String columns read as dictionary ids stand for the same values: a low-cardinality column
   * (dictionary pages only) and a high-cardinality one whose writer falls back from its small
   * dictionary to PLAIN pages within each chunk, with nulls, deletes, several files read at once.
   */
  @ParameterizedTest
  @MethodSource("modes")
  void readsStringsAsDictionaryIdsThatStandForTheSameValues(MergeMode mode, int format) {
    String name = "ids_" + mode.name().toLowerCase() + "_" + format;
    keysByTable.put(name, List.of("id"));
    Table table =
        Tables.createOrLoad(
            catalog,
            id(name),
            ArrowSchemas.toIceberg(ARROW),
            org.apache.iceberg.PartitionSpec.unpartitioned(),
            Map.of(
                org.apache.iceberg.TableProperties.FORMAT_VERSION,
                Integer.toString(format),
                org.apache.iceberg.TableProperties.PARQUET_DICT_SIZE_BYTES,
                "512",
                org.apache.iceberg.TableProperties.PARQUET_PAGE_ROW_LIMIT,
                "300"),
            List.of("id"));
    for (int file = 0; file < 3; file++) {
      List<Item> items = new ArrayList<>();
      for (long id = file * 2_000L + 1; id <= file * 2_000L + 2_000; id++) {
        String region = id % 11 == 0 ? null : List.of("eu", "us", "apac").get((int) (id % 3));
        String label = id % 13 == 0 ? null : "name-" + id;
        items.add(new Item(region, id, label, (int) id, false));
      }
      append(table, items);
    }
    List<Item> deletes = new ArrayList<>();
    for (long id = 5; id <= 6_000; id += 9) {
      deletes.add(Item.deleting(id));
    }
    merge(table, mode, deletes, Map.of());
    List<String> expected = rows(table);

    IcebergBatchScan scan = IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue());
    List<String> actual = new ArrayList<>();
    int reusedBatches = 0;
    int ownEntries = 0;
    try (DictionaryBatchReader reader =
        scan.open(
            allocator, 256, IcebergScans.PARALLELISM, new ScanCounters(), false, Set.of(0, 2))) {
      assertThat(reader.schema().getFields().get(0).getDictionary()).isNotNull();
      while (reader.next()) {
        VectorSchemaRoot root = reader.root();
        IntVector region = (IntVector) root.getVector("region");
        BigIntVector idVector = (BigIntVector) root.getVector("id");
        IntVector label = (IntVector) root.getVector("name");
        IntVector amount = (IntVector) root.getVector("amount");
        ColumnDictionary regions = reader.dictionary(0);
        ColumnDictionary labels = reader.dictionary(2);
        assertThat(reader.dictionary(1)).isNull();
        reusedBatches += regions.reused() ? 1 : 0;
        ownEntries += labels.reused() ? 0 : 1;
        for (int i = 0; i < root.getRowCount(); i++) {
          actual.add(
              text(region, regions, i)
                  + "/"
                  + idVector.getObject(i)
                  + "/"
                  + text(label, labels, i)
                  + "/"
                  + amount.getObject(i));
        }
      }
    }
    actual.sort(IcebergBatchScanTest::byIdThenRegion);
    assertThat(actual).isEqualTo(expected);
    // the regions come from dictionary pages that serve many batches; the names of the files the
    // loads wrote fall back (a copy-on-write rewrite sizes its dictionaries to its values)
    assertThat(reusedBatches).isPositive();
    if (mode == MergeMode.MERGE_ON_READ) {
      assertThat(ownEntries).isPositive();
    }
  }

  private static String text(IntVector ids, ColumnDictionary dictionary, int row) {
    return ids.isNull(row)
        ? "null"
        : new String(dictionary.entry(ids.get(row)), java.nio.charset.StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void readsAnOlderSnapshotWithoutLaterDeletes(MergeMode mode, int format) {
    Table table = table("old_" + mode.name().toLowerCase() + "_" + format, format, List.of("id"));
    append(table, items(1, 50, "a"));
    long before = table.currentSnapshot().snapshotId();
    List<String> expected = rows(table);
    merge(table, mode, List.of(Item.deleting(7), Item.of(8, "z")), Map.of());

    List<String> actual = new ArrayList<>();
    try (BatchReader reader =
        IcebergScans.open(table, before, List.of(), Expressions.alwaysTrue(), allocator, 16)) {
      collect(reader, actual);
    }
    actual.sort(IcebergBatchScanTest::byIdThenRegion);
    assertThat(actual).isEqualTo(expected);
  }

  private List<String> vectorizedRows(
      Table table, int batchRows, int parallelism, boolean ordered) {
    List<String> rows = new ArrayList<>();
    IcebergBatchScan scan = IcebergBatchScan.plan(table, null, List.of(), Expressions.alwaysTrue());
    try (BatchReader reader =
        scan.open(allocator, batchRows, parallelism, new ScanCounters(), ordered)) {
      collect(reader, rows);
    }
    rows.sort(IcebergBatchScanTest::byIdThenRegion);
    return rows;
  }

  private static void collect(BatchReader reader, List<String> rows) {
    while (reader.next()) {
      VectorSchemaRoot root = reader.root();
      assertThat(root.getRowCount()).isPositive();
      VarCharVector region = (VarCharVector) root.getVector("region");
      BigIntVector id = (BigIntVector) root.getVector("id");
      VarCharVector name = (VarCharVector) root.getVector("name");
      IntVector amount = (IntVector) root.getVector("amount");
      for (int i = 0; i < root.getRowCount(); i++) {
        rows.add(
            region.getObject(i)
                + "/"
                + id.getObject(i)
                + "/"
                + name.getObject(i)
                + "/"
                + amount.getObject(i));
      }
    }
  }

  private static int byIdThenRegion(String a, String b) {
    String[] left = a.split("/");
    String[] right = b.split("/");
    int byId = Long.compare(Long.parseLong(left[1]), Long.parseLong(right[1]));
    return byId != 0 ? byId : left[0].compareTo(right[0]);
  }
}
