package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several loads into one table at once: every one commits, no row is lost. */
class ConcurrentLoadTest {
  private static final int LOADS = 6;
  private static final int ROWS = 2_000;

  @TempDir Path temp;

  @Test
  void aMergeRacingAMergeOnTheSameKeysNeverDuplicatesAKey() throws Exception {
    Path data = temp.resolve("merge-data");
    try (BufferAllocator allocator = new RootAllocator();
        Engine engine =
            new Engine(
                new EngineConfig("iceberg", "default", 2, 500, System::getenv),
                MetadataStore.openSqlite(data),
                CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(data))),
                List.of(new FilesConnectorFactory()),
                allocator)) {
      try (Session setup = engine.openSession("setup")) {
        for (String name : List.of("alpha", "beta", "gamma")) {
          Path csv = temp.resolve(name + ".csv");
          StringBuilder text = new StringBuilder("id,writer\n");
          for (int id = 0; id < ROWS; id++) {
            text.append(id).append(',').append(name).append('\n');
          }
          Files.writeString(csv, text);
          setup
              .execute(
                  "CREATE SOURCE " + name + " TYPE FILES WITH (location = '" + csv + "')",
                  allocator)
              .close();
        }
        setup.execute("LOAD alpha INTO race.m WITH DISPOSITION MERGE ON (id)", allocator).close();
      }
      ExecutorService threads = Executors.newFixedThreadPool(2);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> outcomes = new ArrayList<>();
      for (String source : List.of("beta", "gamma")) {
        outcomes.add(
            threads.submit(
                () -> {
                  start.await();
                  try (Session session = engine.openSession(source);
                      BufferAllocator child =
                          allocator.newChildAllocator(source, 0, Long.MAX_VALUE)) {
                    session
                        .execute(
                            "LOAD " + source + " INTO race.m WITH DISPOSITION MERGE ON (id)", child)
                        .close();
                    return "committed";
                  } catch (TidewaterException e) {
                    assertThat(e.getMessage()).contains("conflict");
                    return "conflict";
                  }
                }));
      }
      start.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        results.add(outcome.get(2, TimeUnit.MINUTES));
      }
      threads.shutdown();
      assertThat(results).contains("committed");

      Table table = engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of("race", "m"));
      List<Long> ids = new ArrayList<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        rows.forEach(row -> ids.add((Long) row.getField("id")));
      }
      assertThat(ids).hasSize(ROWS).doesNotHaveDuplicates();
    }
  }

  @Test
  void concurrentAppendsAllCommitWithoutLosingRows() throws Exception {
    Path data = temp.resolve("data");
    try (BufferAllocator allocator = new RootAllocator();
        Engine engine =
            new Engine(
                new EngineConfig("iceberg", "default", 2, 500, System::getenv),
                MetadataStore.openSqlite(data),
                CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(data))),
                List.of(new FilesConnectorFactory()),
                allocator)) {
      try (Session setup = engine.openSession("setup")) {
        for (int load = 0; load < LOADS; load++) {
          Path csv = temp.resolve("part" + load + ".csv");
          StringBuilder text = new StringBuilder("id,part\n");
          for (int row = 0; row < ROWS; row++) {
            text.append(load * ROWS + row).append(',').append(load).append('\n');
          }
          Files.writeString(csv, text);
          setup
              .execute(
                  "CREATE SOURCE part" + load + " TYPE FILES WITH (location = '" + csv + "')",
                  allocator)
              .close();
        }
        // The first load creates the table; the rest race each other.
        setup.execute("LOAD part0 INTO race.t WITH DISPOSITION APPEND", allocator).close();
      }
      ExecutorService threads = Executors.newFixedThreadPool(LOADS - 1);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> written = new ArrayList<>();
      for (int load = 1; load < LOADS; load++) {
        String sql = "LOAD part" + load + " INTO race.t WITH DISPOSITION APPEND";
        written.add(
            threads.submit(
                () -> {
                  start.await();
                  try (Session session = engine.openSession("racer");
                      BufferAllocator child =
                          allocator.newChildAllocator("racer", 0, Long.MAX_VALUE);
                      ExecutionResult result = session.execute(sql, child)) {
                    result.rows().next();
                    return ((BigIntVector) result.rows().root().getVector("rows_written")).get(0);
                  }
                }));
      }
      start.countDown();
      for (Future<Long> each : written) {
        assertThat(each.get(2, TimeUnit.MINUTES)).isEqualTo((long) ROWS);
      }
      threads.shutdown();

      Table table = engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of("race", "t"));
      List<Long> ids = new ArrayList<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        rows.forEach(row -> ids.add((Long) row.getField("id")));
      }
      assertThat(ids).hasSize(LOADS * ROWS).doesNotHaveDuplicates();
      int tidewaterSnapshots = 0;
      for (Snapshot snapshot : table.snapshots()) {
        if (snapshot.summary().containsKey("tidewater.load-id")) {
          tidewaterSnapshots++;
        }
      }
      assertThat(tidewaterSnapshots).isEqualTo(LOADS);
    }
  }
}
