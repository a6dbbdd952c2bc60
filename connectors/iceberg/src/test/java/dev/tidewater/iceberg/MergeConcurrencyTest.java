package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MERGEs that race other commits into the same table: they re-plan against what was committed
 * meanwhile and end as if they had run one after the other. The races are made deterministic by
 * committing the other load between a merge's {@code finish} and its commit, or from inside the
 * commit (a table whose operations commit an intruder first); a threaded test races for real.
 */
class MergeConcurrencyTest extends MergeTestBase {

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void mergeOfTheSameKeysCommittedMeanwhileIsReplacedByTheLaterCommit(MergeMode mode, int format) {
    Table table = table("same_keys", format, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink first = sink(table, mode, Map.of(), start);
    MergeSink second = sink(table, mode, Map.of(), start);
    WriteResult firstResult = write(first, items(4, 6, "first"));
    WriteResult secondResult = write(second, items(4, 8, "second"));

    first.committer().commit(table, firstResult, Map.of("tidewater.load-id", "first"));
    long snapshot =
        second.committer().commit(table, secondResult, Map.of("tidewater.load-id", "second"));

    // what running the first merge, then the second, gives
    List<String> expected = new ArrayList<>();
    items(1, 3, "old").forEach(item -> expected.add(item.toString()));
    items(4, 8, "second").forEach(item -> expected.add(item.toString()));
    items(9, 10, "old").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    MergeStats stats = second.stats();
    assertThat(stats.replans()).isEqualTo(1);
    assertThat(stats.rowsUpdated()).isEqualTo(5);
    assertThat(stats.rowsInserted()).isZero();
    table.refresh();
    assertThat(table.snapshot(snapshot).summary())
        .containsEntry("tidewater.load-id", "second")
        .containsEntry(MergeStats.ROWS_UPDATED, "5")
        .containsEntry(MergeStats.ROWS_INSERTED, "0")
        .containsEntry(MergeStats.REPLANS, "1");
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void disjointKeysWithOverlappingRangesBothCommit(MergeMode mode, int format) {
    Table table = table("disjoint", format, List.of("id"));
    append(table, items(1, 20, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink evens = sink(table, mode, Map.of(), start);
    MergeSink odds = sink(table, mode, Map.of(), start);
    WriteResult evenResult = write(evens, every(2, 2, 24, "even"));
    WriteResult oddResult = write(odds, every(1, 2, 23, "odd"));

    evens.committer().commit(table, evenResult, Map.of());
    odds.committer().commit(table, oddResult, Map.of());

    List<String> expected = new ArrayList<>();
    for (long id = 1; id <= 24; id++) {
      expected.add(Item.of(id, (id % 2 == 0 ? "even-" : "odd-") + id).toString());
    }
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    assertThat(odds.stats().rowsUpdated()).isEqualTo(10);
    assertThat(odds.stats().rowsInserted()).isEqualTo(2);
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void appendOfAnIncomingKeyMeanwhileIsReplacedUnderSerializableIsolation(
      MergeMode mode, int format) {
    Table table = table("raced_append", format, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, mode, Map.of(), start);
    WriteResult result = write(sink, items(8, 12, "new"));

    append(catalog.loadTable(id("raced_append")), List.of(Item.of(11, "appended"), item(50)));
    sink.committer().commit(table, result, Map.of());

    List<String> expected = new ArrayList<>();
    items(1, 7, "old").forEach(item -> expected.add(item.toString()));
    items(8, 12, "new").forEach(item -> expected.add(item.toString()));
    expected.add(item(50).toString());
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    // key 11 was appended before this merge committed: the merge replaced it
    assertThat(sink.stats().rowsUpdated()).isEqualTo(4);
    assertThat(sink.stats().rowsInserted()).isEqualTo(1);
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void targetFileCompactedMeanwhileIsFollowedIntoItsReplacement(MergeMode mode, int format) {
    Table table = table("compacted", format, List.of("id"));
    append(table, items(1, 10, "old"));
    DataFile original = dataFiles(table).get(0);
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, mode, Map.of(), start);
    WriteResult result = write(sink, List.of(Item.of(3, "new"), Item.deleting(7)));

    // a compaction rewrites the target file into another one with the same rows
    Table other = catalog.loadTable(id("compacted"));
    DataFile compacted;
    try (ParquetBatchSink rewrite = new ParquetBatchSink(other, Map.of(), 7, 7);
        var batch = batch(items(1, 10, "old"), false)) {
      rewrite.append(batch);
      compacted = rewrite.finish().dataFiles().get(0);
    }
    other.newRewrite().deleteFile(original).addFile(compacted).commit();
    sink.committer().commit(table, result, Map.of());

    List<String> expected = new ArrayList<>();
    items(1, 2, "old").forEach(item -> expected.add(item.toString()));
    expected.add(Item.of(3, "new").toString());
    items(4, 6, "old").forEach(item -> expected.add(item.toString()));
    items(8, 10, "old").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    assertThat(sink.stats().rowsUpdated()).isEqualTo(1);
    assertThat(sink.stats().rowsDeleted()).isEqualTo(1);
    for (FileScanTask task : tasks(table)) {
      assertThat(task.file().location()).isNotEqualTo(original.location());
    }
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modesAndFormats")
  void rowsDeletedMeanwhileFromATargetFileStayDeleted(MergeMode mode, int format) {
    Table table = table("deleted_meanwhile", format, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, mode, Map.of(), start);
    WriteResult result = write(sink, items(5, 8, "new"));

    // another load deletes rows 2 and 6 of the same data file
    merge(
        catalog.loadTable(id("deleted_meanwhile")),
        mode,
        List.of(Item.deleting(2), Item.deleting(6)),
        Map.of());
    sink.committer().commit(table, result, Map.of());

    List<String> expected = new ArrayList<>();
    expected.add(Item.of(1, "old-1").toString());
    items(3, 4, "old").forEach(item -> expected.add(item.toString()));
    items(5, 8, "new").forEach(item -> expected.add(item.toString()));
    items(9, 10, "old").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    // key 6 had no row any more when this merge committed: an insert, as in a serial order
    assertThat(sink.stats().targetRowsRemoved()).isEqualTo(3);
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void mergesOfTheOtherModeCommittedMeanwhileAreFollowed(int format) {
    for (MergeMode winner : MergeMode.values()) {
      String name = "mixed_" + winner.name().toLowerCase(java.util.Locale.ROOT);
      Table table = table(name, format, List.of("id"));
      append(table, items(1, 10, "old"));
      append(table, items(11, 20, "old"));
      MergeMode loser =
          winner == MergeMode.MERGE_ON_READ ? MergeMode.COPY_ON_WRITE : MergeMode.MERGE_ON_READ;
      long start = table.currentSnapshot().snapshotId();
      MergeSink first = sink(table, winner, Map.of(), start);
      MergeSink second = sink(table, loser, Map.of(), start);
      WriteResult firstResult = write(first, items(5, 15, "first"));
      WriteResult secondResult = write(second, every(2, 3, 20, "second"));

      first.committer().commit(table, firstResult, Map.of());
      second.committer().commit(table, secondResult, Map.of());

      List<String> expected = new ArrayList<>();
      for (long id = 1; id <= 20; id++) {
        String value =
            id % 3 == 2 ? "second-" + id : id >= 5 && id <= 15 ? "first-" + id : "old-" + id;
        expected.add(Item.of(id, value).toString());
      }
      assertThat(rows(table)).as("%s, then %s", winner, loser).containsExactlyElementsOf(expected);
      assertOneDeleteFilePerDataFileAndNoOrphans(table);
    }
  }

  @ParameterizedTest
  @MethodSource("modes")
  void partitionedTablesArePrunedByPartitionWhenReplanning(MergeMode mode, int format) {
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
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, mode, Map.of(), start);
    WriteResult result =
        write(
            sink,
            List.of(
                new Item("eu", 3L, "moved", 3, false),
                new Item("eu", 4L, "mine", 4, false),
                Item.deleting(5)));

    merge(
        catalog.loadTable(id("partitioned")),
        mode,
        List.of(new Item("us", 4L, "theirs", 4, false), new Item("us", 30L, "theirs", 30, false)),
        Map.of());
    sink.committer().commit(table, result, Map.of());

    List<String> rows = rows(table);
    assertThat(rows).hasSize(39).contains("eu/3/moved/3", "eu/4/mine/4", "us/30/theirs/30");
    assertThat(rows).doesNotContain("us/3/old-3/3", "us/4/theirs/4", "eu/4/old-4/4");
    assertThat(sink.stats().replans()).isEqualTo(1);
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void conflictsDuringEveryAttemptAreResolvedRoundAfterRound(MergeMode mode, int format) {
    Table table = table("rounds", format, List.of("id"));
    append(table, items(1, 10, "old"));
    AtomicInteger intruders = new AtomicInteger();
    Table interfered = interfering(table, 3, intruders);
    MergeSink sink = sink(interfered, mode, Map.of(), interfered.currentSnapshot().snapshotId());
    WriteResult result = write(sink, items(5, 12, "new"));

    long snapshot = sink.committer().commit(interfered, result, Map.of());

    assertThat(intruders).hasValue(3);
    List<String> expected = new ArrayList<>();
    items(1, 4, "old").forEach(item -> expected.add(item.toString()));
    items(5, 12, "new").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    assertThat(sink.stats().replans()).isEqualTo(3);
    // keys 11 and 12 came in from the intruders before this merge committed
    assertThat(sink.stats().rowsUpdated()).isEqualTo(8);
    table.refresh();
    assertThat(table.snapshot(snapshot).summary()).containsEntry(MergeStats.REPLANS, "3");
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @Test
  void givesUpAfterTheRoundLimitWithNothingCommitted() {
    Table table = table("endless", 2, List.of("id"));
    append(table, items(1, 10, "old"));
    AtomicInteger intruders = new AtomicInteger();
    Table interfered = interfering(table, Integer.MAX_VALUE, intruders);
    MergeSink sink =
        sink(
            interfered,
            MergeMode.MERGE_ON_READ,
            Map.of(),
            interfered.currentSnapshot().snapshotId());
    WriteResult result = write(sink, items(5, 12, "new"));

    assertThatThrownBy(() -> sink.committer().commit(interfered, result, Map.of()))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL))
        .hasMessageContaining(
            "conflicted with concurrent commits " + MergeCommitter.MAX_ROUNDS + " times in a row")
        .hasMessageContaining("nothing was committed, run the load again");

    assertThat(intruders).hasValue(MergeCommitter.MAX_ROUNDS);
    // the old rows and the intruders' keys 11 and 12, nothing of the merge
    List<String> rows = rows(table);
    assertThat(rows)
        .hasSize(10 + 2 * MergeCommitter.MAX_ROUNDS)
        .noneMatch(row -> row.contains("new-"));
    assertThat(orphans(table)).isEmpty();
  }

  @Test
  void schemaEvolutionOfTheLoadIsAppliedAgainInTheNextAttempt() {
    Table table = table("evolving", 2, List.of("id"));
    append(table, items(1, 10, "old"));
    long start = table.currentSnapshot().snapshotId();
    Transaction transaction = table.newTransaction();
    transaction.updateSchema().addColumn("note", Types.StringType.get()).commit();
    MergeSink sink =
        new MergeSink(
            transaction.table(),
            table,
            List.of("id"),
            MergeMode.MERGE_ON_READ,
            Map.of(),
            start,
            DELETE);
    WriteResult result = write(sink, items(8, 12, "new"));

    append(catalog.loadTable(id("evolving")), List.of(Item.of(12, "appended")));
    sink.committer().commit(transaction, result, Map.of());

    table.refresh();
    assertThat(table.schema().findField("note")).isNotNull();
    List<String> expected = new ArrayList<>();
    items(1, 7, "old").forEach(item -> expected.add(item.toString()));
    items(8, 12, "new").forEach(item -> expected.add(item.toString()));
    assertThat(rows(table)).containsExactlyElementsOf(expected);
    assertThat(sink.stats().replans()).isEqualTo(1);
  }

  @Test
  void rolledBackHistoryFailsClearlyWithNothingCommitted() {
    Table table = table("rolled_back", 2, List.of("id"));
    append(table, items(1, 10, "old"));
    long before = table.currentSnapshot().snapshotId();
    append(table, items(11, 20, "old"));
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, MergeMode.MERGE_ON_READ, Map.of(), start);
    WriteResult result = write(sink, items(5, 15, "new"));

    catalog.loadTable(id("rolled_back")).manageSnapshots().rollbackTo(before).commit();

    assertThatThrownBy(() -> sink.committer().commit(table, result, Map.of()))
        .isInstanceOfSatisfying(
            TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.EXTERNAL))
        .hasMessageContaining("snapshot " + start)
        .hasMessageContaining("is no longer in the history")
        .hasMessageContaining("nothing was committed");
    assertThat(rows(table))
        .containsExactlyElementsOf(items(1, 10, "old").stream().map(Item::toString).toList());
    for (String location : result.writtenLocations()) {
      assertThat(Path.of(URI.create(location))).doesNotExist();
    }
  }

  @Test
  void spilledKeysAreReadAgainWhenReplanning() {
    Table table = table("spilled_replan", 2, List.of("id"));
    append(table, items(1, 1200, "old"));
    Path spill = dataDir.resolve("spill");
    Map<String, String> tiny =
        Map.of(
            MergeSink.KEY_MEMORY_OPTION,
            "24KB",
            MergeSink.SPILL_DIRECTORY_OPTION,
            spill.toString());
    long start = table.currentSnapshot().snapshotId();
    MergeSink sink = sink(table, MergeMode.MERGE_ON_READ, tiny, start);
    WriteResult result = write(sink, items(600, 1600, "new"));
    assertThat(sink.stats().keyPasses()).isGreaterThan(1);

    // another load inserts keys 1300..1310 first
    merge(
        catalog.loadTable(id("spilled_replan")),
        MergeMode.MERGE_ON_READ,
        items(1300, 1310, "other"),
        Map.of());
    sink.committer().commit(table, result, Map.of());

    List<String> rows = rows(table);
    assertThat(rows).hasSize(1600).doesNotContain("eu/1305/other-1305/13050");
    assertThat(rows.get(1304)).isEqualTo("eu/1305/new-1305/13050");
    assertThat(sink.stats().rowsUpdated()).isEqualTo(601 + 11);
    assertThat(sink.stats().rowsInserted()).isEqualTo(1001 - 601 - 11);
    assertThat(spill).isEmptyDirectory();
  }

  @ParameterizedTest
  @MethodSource("modes")
  void threadsMergingDisjointKeysAndAppendingAtOnceLoseNothing(MergeMode mode, int format)
      throws Exception {
    Table table = table("stress", format, List.of("id"));
    append(table, items(1, 200, "old"));
    int mergers = 4;
    int loads = 3;
    ExecutorService executor = Executors.newFixedThreadPool(mergers + 1);
    CyclicBarrier barrier = new CyclicBarrier(mergers + 1);
    List<Future<Integer>> futures = new ArrayList<>();
    try {
      for (int thread = 0; thread < mergers; thread++) {
        int worker = thread;
        futures.add(
            executor.submit(
                () -> {
                  int replans = 0;
                  for (int load = 0; load < loads; load++) {
                    // keys id % 4 == worker, except multiples of 5, which the appender owns
                    List<Item> keys = new ArrayList<>();
                    for (long id = 1; id <= 400; id++) {
                      if (id % mergers == worker && id % 5 != 0) {
                        keys.add(Item.of(id, "m" + worker + "-load" + load));
                      }
                    }
                    Table own = catalog.loadTable(id("stress"));
                    MergeSink sink = sink(own, mode, Map.of(), own.currentSnapshot().snapshotId());
                    WriteResult result = write(sink, keys);
                    barrier.await(1, TimeUnit.MINUTES);
                    sink.committer().commit(own, result, Map.of());
                    replans += sink.stats().replans();
                  }
                  return replans;
                }));
      }
      futures.add(
          executor.submit(
              () -> {
                for (int load = 0; load < loads; load++) {
                  List<Item> appended = new ArrayList<>();
                  for (long id = 205 + load * 5; id <= 400; id += 5 * loads) {
                    appended.add(Item.of(id, "appended"));
                  }
                  Table own = catalog.loadTable(id("stress"));
                  barrier.await(1, TimeUnit.MINUTES);
                  append(own, appended);
                }
                return 0;
              }));
      int replans = 0;
      for (Future<Integer> future : futures) {
        replans += future.get(5, TimeUnit.MINUTES);
      }
      assertThat(replans).as("merges re-planned after losing a race").isPositive();
    } finally {
      executor.shutdownNow();
    }

    List<String> rows = rows(table);
    assertThat(rows).hasSize(400);
    for (int i = 0; i < 400; i++) {
      long id = i + 1;
      String name =
          id % 5 != 0
              ? "m" + (id % mergers) + "-load" + (loads - 1)
              : id <= 200 ? "old-" + id : "appended";
      assertThat(rows.get(i)).isEqualTo(Item.of(id, name).toString());
    }
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  @ParameterizedTest
  @MethodSource("modes")
  void threadsMergingTheSameKeysEndAsOneSerialOrder(MergeMode mode, int format) throws Exception {
    Table table = table("same_stress", format, List.of("id"));
    append(table, items(1, 100, "old"));
    int threads = 2;
    int loads = 3;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    CyclicBarrier barrier = new CyclicBarrier(threads);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int thread = 0; thread < threads; thread++) {
        String label = thread == 0 ? "a" : "b";
        futures.add(
            executor.submit(
                () -> {
                  for (int load = 0; load < loads; load++) {
                    Table own = catalog.loadTable(id("same_stress"));
                    MergeSink sink = sink(own, mode, Map.of(), own.currentSnapshot().snapshotId());
                    WriteResult result = write(sink, items(51, 150, label + load));
                    barrier.await(1, TimeUnit.MINUTES);
                    sink.committer().commit(own, result, Map.of());
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get(5, TimeUnit.MINUTES);
      }
    } finally {
      executor.shutdownNow();
    }

    List<String> rows = rows(table);
    assertThat(rows).hasSize(150);
    assertThat(rows.subList(0, 50))
        .containsExactlyElementsOf(items(1, 50, "old").stream().map(Item::toString).toList());
    // every key once, and all of them from the load that committed last
    Set<String> labels = new HashSet<>();
    for (String row : rows.subList(50, 150)) {
      labels.add(row.split("/")[2].split("-")[0]);
    }
    assertThat(labels).hasSize(1).allMatch(label -> label.endsWith(Integer.toString(loads - 1)));
    assertOneDeleteFilePerDataFileAndNoOrphans(table);
  }

  private static List<Item> every(long from, long step, long to, String prefix) {
    return LongStream.iterate(from, id -> id <= to, id -> id + step)
        .mapToObj(id -> Item.of(id, prefix + "-" + id))
        .toList();
  }

  private static Item item(long id) {
    return Item.of(id, "other-" + id);
  }

  private static List<DataFile> dataFiles(Table table) {
    return tasks(table).stream().map(FileScanTask::file).toList();
  }

  private void assertOneDeleteFilePerDataFileAndNoOrphans(Table table) {
    for (FileScanTask task : tasks(table)) {
      assertThat(task.deletes())
          .as("delete files of %s", task.file().location())
          .hasSizeLessThan(2);
    }
    assertThat(orphans(table)).as("files no snapshot references").isEmpty();
  }

  /** Files in the table's data directory that no snapshot of the table ever added. */
  private static Set<Path> orphans(Table table) {
    table.refresh();
    Set<Path> referenced = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      for (DataFile file : snapshot.addedDataFiles(table.io())) {
        referenced.add(path(file.location()));
      }
      for (DeleteFile file : snapshot.addedDeleteFiles(table.io())) {
        referenced.add(path(file.location()));
      }
    }
    Set<Path> onDisk;
    try (Stream<Path> files = Files.walk(path(table.location() + "/data"))) {
      onDisk = new HashSet<>(files.filter(Files::isRegularFile).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    onDisk.removeAll(referenced);
    return onDisk;
  }

  private static Path path(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }

  /**
   * {@code table} behind operations that, before each of the first {@code conflicts} commits
   * through them, let another writer append rows with keys 11 and 12 — a concurrent commit that
   * every attempt loses to.
   */
  private Table interfering(Table table, int conflicts, AtomicInteger intruders) {
    TableOperations real = ((HasTableOperations) table).operations();
    String name = table.name().substring(table.name().lastIndexOf('.') + 1);
    TableOperations interfering =
        new TableOperations() {
          @Override
          public TableMetadata current() {
            return real.current();
          }

          @Override
          public TableMetadata refresh() {
            return real.refresh();
          }

          @Override
          public void commit(TableMetadata base, TableMetadata metadata) {
            if (intruders.get() < conflicts) {
              int intruder = intruders.incrementAndGet();
              append(
                  catalog.loadTable(id(name)),
                  List.of(Item.of(11, "intruder" + intruder), Item.of(12, "intruder" + intruder)));
            }
            real.commit(base, metadata);
          }

          @Override
          public FileIO io() {
            return real.io();
          }

          @Override
          public EncryptionManager encryption() {
            return real.encryption();
          }

          @Override
          public String metadataFileLocation(String fileName) {
            return real.metadataFileLocation(fileName);
          }

          @Override
          public LocationProvider locationProvider() {
            return real.locationProvider();
          }

          @Override
          public TableOperations temp(TableMetadata uncommittedMetadata) {
            return real.temp(uncommittedMetadata);
          }

          @Override
          public long newSnapshotId() {
            return real.newSnapshotId();
          }

          @Override
          public boolean requireStrictCleanup() {
            return real.requireStrictCleanup();
          }
        };
    return new BaseTable(interfering, table.name());
  }
}
