package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copy-on-write rewrites through Arrow batches ({@link MergeRewriter}): only the data files that
 * hold a matched key are written again, without the matched rows and those earlier deletes removed,
 * and they hold the same rows as Iceberg's own row-by-row rewrite.
 */
class CopyOnWriteRewriteTest extends MergeTestBase {
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void rewritesOnlyTheFilesThatHoldAMatchedKey(int format) {
    Table table = table("hits_" + format, format, List.of("id"));
    append(table, items(0, 99, "a"));
    Set<String> first = locations(table);
    append(table, items(100, 199, "b"));
    Set<String> hit = new java.util.HashSet<>(locations(table));
    hit.removeAll(first);
    append(table, items(200, 299, "c"));
    Set<String> untouched = new java.util.HashSet<>(locations(table));
    untouched.removeAll(hit);

    List<Item> load = new ArrayList<>(items(150, 160, "x"));
    load.add(Item.deleting(170));
    load.addAll(items(300, 304, "new"));
    MergeStats stats = merge(table, MergeMode.COPY_ON_WRITE, load, Map.of());

    assertThat(stats.targetFilesRewritten()).isEqualTo(1);
    assertThat(stats.targetRowsRemoved()).isEqualTo(12);
    assertThat(stats.rowsUpdated()).isEqualTo(11);
    assertThat(stats.rowsDeleted()).isEqualTo(1);
    assertThat(stats.rowsInserted()).isEqualTo(5);
    Set<String> after = locations(table);
    // the files of ids 0..99 and 200..299 stay; the one of 100..199 is replaced by its rewrite
    // (88 rows) and the 16 incoming rows (11 updates, 5 new keys) go to a new file
    assertThat(untouched).hasSize(2);
    assertThat(after).hasSize(4).containsAll(untouched).doesNotContainAnyElementsOf(hit);
    assertThat(tasks(table).stream().mapToLong(task -> task.file().recordCount()).sorted())
        .containsExactly(16L, 88L, 100L, 100L);
    assertThat(tasks(table)).allSatisfy(task -> assertThat(task.deletes()).isEmpty());

    List<String> expected = new ArrayList<>();
    items(0, 149, "").forEach(item -> expected.add(expectedRow(item.id())));
    items(150, 160, "x").forEach(item -> expected.add(item.toString()));
    items(161, 299, "").stream()
        .filter(item -> item.id() != 170)
        .forEach(item -> expected.add(expectedRow(item.id())));
    items(300, 304, "new").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).hasSize(304).containsExactlyElementsOf(expected);
  }

  @Test
  void rowsDeletedByEarlierDeleteFilesAreLeftOutOfTheRewrite() {
    Table table = table("earlier", 2, List.of("id"));
    append(table, items(1, 50, "a"));
    // position deletes first, then a copy-on-write merge of other keys of the same file
    merge(table, MergeMode.MERGE_ON_READ, List.of(Item.deleting(7), Item.deleting(8)), Map.of());
    assertThat(tasks(table).get(0).deletes()).hasSize(1);

    MergeStats stats = merge(table, MergeMode.COPY_ON_WRITE, items(40, 60, "z"), Map.of());

    assertThat(stats.targetFilesRewritten()).isEqualTo(1);
    assertThat(stats.targetRowsRemoved()).isEqualTo(11);
    assertThat(tasks(table)).allSatisfy(task -> assertThat(task.deletes()).isEmpty());
    List<String> expected = new ArrayList<>();
    items(1, 39, "a").stream()
        .filter(item -> item.id() != 7 && item.id() != 8)
        .forEach(item -> expected.add(item.toString()));
    items(40, 60, "z").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
  }

  @Test
  void arrowAndRowByRowRewritesLeaveTheSameRowsAndNulls() throws IOException {
    Table arrow = table("arrow", 2, List.of("id"));
    Table rowByRow = table("row_by_row", 2, List.of("id"));
    List<Item> base = new ArrayList<>(items(1, 3000, "v"));
    // nulls in every column but the key, across batch boundaries of the rewrite
    for (long id = 3001; id <= 20_000; id++) {
      base.add(
          new Item(
              id % 3 == 0 ? null : "r" + (id % 7),
              id,
              id % 5 == 0 ? null : "n" + id,
              id % 4 == 0 ? null : (int) id,
              false));
    }
    List<Item> load = new ArrayList<>();
    for (long id = 2; id <= 24_000; id += 9) {
      load.add(id % 2 == 0 ? Item.of(id, "m") : Item.deleting(id));
    }
    for (Table table : List.of(arrow, rowByRow)) {
      append(table, base.subList(0, 10_000));
      append(table, base.subList(10_000, base.size()));
    }

    MergeStats arrowStats = merge(arrow, MergeMode.COPY_ON_WRITE, load, Map.of());
    System.setProperty(MergeRewriter.ROW_REWRITE_PROPERTY, "true");
    MergeStats rowStats;
    try {
      rowStats = merge(rowByRow, MergeMode.COPY_ON_WRITE, load, Map.of());
    } finally {
      System.clearProperty(MergeRewriter.ROW_REWRITE_PROPERTY);
    }

    assertThat(arrowStats.targetFilesRewritten()).isEqualTo(2);
    assertThat(arrowStats.targetRowsRemoved()).isEqualTo(rowStats.targetRowsRemoved());
    List<String> rows = rows(arrow);
    assertThat(rows).containsExactlyElementsOf(rows(rowByRow));
    long deleted = load.stream().filter(item -> item.id() <= 20_000 && item.delete()).count();
    long inserted = load.stream().filter(item -> item.id() > 20_000 && !item.delete()).count();
    assertThat(rows).hasSize((int) (20_000 - deleted + inserted));
    assertThat(rows).contains("null/3003/n3003/3003", "r1/3004/n3004/null", "r2/3005/null/3005");
    assertThat(rows).doesNotContain("eu/11/v-11/110").contains("eu/20/m/200");
    // the region column (a few distinct values) stays dictionary encoded in the Arrow rewrite,
    // whose dictionary limit follows the source's dictionaries
    for (FileScanTask task : tasks(arrow)) {
      if (task.file().recordCount() > 1000) {
        assertThat(regionEncodings(arrow, task).hasNonDictionaryEncodedPages()).isFalse();
        assertThat(regionEncodings(arrow, task).hasDictionaryPages()).isTrue();
        assertThat(RewriteDictionaries.limit(arrow.io().newInputFile(task.file()), 2 << 20))
            .isBetween(16L << 10, 1L << 20);
      }
    }
  }

  private static EncodingStats regionEncodings(Table table, FileScanTask task) throws IOException {
    try (ParquetFileReader reader =
        new ParquetFileReader(
            ParquetInputFiles.of(table.io().newInputFile(task.file())),
            ParquetReadOptions.builder().build())) {
      return reader.getRowGroups().get(0).getColumns().stream()
          .filter(chunk -> chunk.getPath().toDotString().equals("region"))
          .findFirst()
          .orElseThrow()
          .getEncodingStats();
    }
  }

  private static String expectedRow(long id) {
    String prefix = id < 100 ? "a" : id < 200 ? "b" : "c";
    return Item.of(id, prefix + "-" + id).toString();
  }

  private static Set<String> locations(Table table) {
    return tasks(table).stream().map(task -> task.file().location()).collect(Collectors.toSet());
  }
}
