package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.AllTypes.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ConcurrentAppendTest extends CatalogTestBase {
  private static final int THREADS = 2;
  private static final int COMMITS_PER_THREAD = 4;
  private static final int ROWS_PER_COMMIT = 50;

  @Test
  void concurrentAppendsOnTheSqliteCatalogLoseNoRows() throws Exception {
    createTable("concurrent", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    List<Future<List<Long>>> results = new ArrayList<>();
    try {
      for (int thread = 0; thread < THREADS; thread++) {
        int threadId = thread;
        results.add(executor.submit(() -> appendFrom(threadId, barrier)));
      }
      List<Long> snapshotIds = new ArrayList<>();
      for (Future<List<Long>> result : results) {
        snapshotIds.addAll(result.get(2, TimeUnit.MINUTES));
      }

      Table table = catalog.loadTable(TableIdentifier.of("sales", "concurrent"));
      List<Record> records = readAll(table);
      assertThat(records).hasSize(THREADS * COMMITS_PER_THREAD * ROWS_PER_COMMIT);
      assertThat(records.stream().map(record -> (Long) record.getField("id")).distinct().count())
          .isEqualTo(records.size());
      // every committer got its own snapshot, with its own summary
      assertThat(snapshotIds).doesNotHaveDuplicates().hasSize(THREADS * COMMITS_PER_THREAD);
      for (long id : snapshotIds) {
        Snapshot snapshot = table.snapshot(id);
        assertThat(snapshot.summary()).containsEntry("added-records", "" + ROWS_PER_COMMIT);
        assertThat(snapshot.summary().get("tidewater.load-id")).startsWith("load-");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void anAppendThatEvolvesTheSchemaIsRetriedAfterAConcurrentCommit() {
    Table table = createTable("evolving", AllTypes.SCHEMA, PartitionSpec.unpartitioned());
    Transaction transaction = table.newTransaction();
    transaction.updateSchema().addColumn("remark", Types.StringType.get()).commit();
    WriteResult result;
    try (ParquetBatchSink sink = new ParquetBatchSink(transaction.table(), Map.of(), 0, 1);
        VectorSchemaRoot batch = AllTypes.batch(allocator, List.of(Row.nulls(1), Row.nulls(2)))) {
      sink.append(batch);
      result = sink.finish();
    }
    // another load commits first: Iceberg cannot replay the pending schema change by itself
    Table other = catalog.loadTable(TableIdentifier.of("sales", "evolving"));
    try (ParquetBatchSink sink = new ParquetBatchSink(other, Map.of(), 1, 1);
        VectorSchemaRoot batch = AllTypes.batch(allocator, List.of(Row.nulls(3)))) {
      sink.append(batch);
      TableCommitters.append().commit(other, sink.finish(), Map.of());
    }

    long snapshot = TableCommitters.append().commit(transaction, result, Map.of("k", "v"));

    table.refresh();
    assertThat(table.schema().findField("remark")).isNotNull();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(readAll(table))
        .extracting(record -> (Long) record.getField("id"))
        .containsExactly(1L, 2L, 3L);
  }

  private List<Long> appendFrom(int threadId, CyclicBarrier barrier) throws Exception {
    Table table = catalog.loadTable(TableIdentifier.of("sales", "concurrent"));
    List<Long> snapshotIds = new ArrayList<>();
    for (int commit = 0; commit < COMMITS_PER_THREAD; commit++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < ROWS_PER_COMMIT; i++) {
        rows.add(Row.nulls(((long) threadId * COMMITS_PER_THREAD + commit) * ROWS_PER_COMMIT + i));
      }
      WriteResult result;
      try (ParquetBatchSink sink = new ParquetBatchSink(table, Map.of(), threadId, commit);
          VectorSchemaRoot batch = AllTypes.batch(allocator, rows)) {
        sink.append(batch);
        result = sink.finish();
      }
      barrier.await(1, TimeUnit.MINUTES);
      snapshotIds.add(
          TableCommitters.append()
              .commit(
                  table, result, Map.of("tidewater.load-id", "load-" + threadId + "-" + commit)));
    }
    return snapshotIds;
  }
}
