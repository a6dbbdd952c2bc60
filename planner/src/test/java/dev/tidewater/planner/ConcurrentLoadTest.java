package dev.tidewater.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.metadata.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                  }
                }));
      }
      start.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        results.add(outcome.get(2, TimeUnit.MINUTES));
      }
      threads.shutdown();
      // The loser of the commit race re-plans against the winner's commit: both commit.
      assertThat(results).containsExactly("committed", "committed");

      Table table = engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of("race", "m"));
      List<Long> ids = new ArrayList<>();
      Set<String> writers = new HashSet<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        rows.forEach(
            row -> {
              ids.add((Long) row.getField("id"));
              writers.add((String) row.getField("writer"));
            });
      }
      assertThat(ids).hasSize(ROWS).doesNotHaveDuplicates();
      // As if the two loads ran one after the other: every key from the one that committed last.
      assertThat(writers).hasSize(1).isSubsetOf("beta", "gamma");
    }
  }

  @Test
  void appendsAndMergesRacingIntoOneTableAllCommit() throws Exception {
    Path data = temp.resolve("mixed-data");
    try (BufferAllocator allocator = new RootAllocator();
        Engine engine =
            new Engine(
                new EngineConfig("iceberg", "default", 2, 500, System::getenv),
                MetadataStore.openSqlite(data),
                CatalogRegistry.create(Map.of("iceberg", CatalogRegistry.embeddedDefault(data))),
                List.of(new FilesConnectorFactory()),
                allocator)) {
      List<String> loads = new ArrayList<>();
      try (Session setup = engine.openSession("setup")) {
        // base: ids 0..ROWS-1; appends add new id ranges; merges update disjoint halves of base.
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("base", rows(0, ROWS, "base"));
        for (int i = 1; i <= 3; i++) {
          files.put("add" + i, rows(i * ROWS, ROWS, "add" + i));
        }
        files.put("upd1", rows(0, ROWS / 2, "upd1"));
        files.put("upd2", rows(ROWS / 2, ROWS / 2, "upd2"));
        for (Map.Entry<String, String> file : files.entrySet()) {
          Path csv = temp.resolve(file.getKey() + ".csv");
          Files.writeString(csv, file.getValue());
          setup
              .execute(
                  "CREATE SOURCE " + file.getKey() + " TYPE FILES WITH (location = '" + csv + "')",
                  allocator)
              .close();
        }
        setup
            .execute("LOAD base INTO race.mixed WITH DISPOSITION MERGE ON (id)", allocator)
            .close();
        for (int i = 1; i <= 3; i++) {
          loads.add("LOAD add" + i + " INTO race.mixed WITH DISPOSITION APPEND");
        }
        loads.add("LOAD upd1 INTO race.mixed WITH DISPOSITION MERGE ON (id)");
        loads.add("LOAD upd2 INTO race.mixed WITH DISPOSITION MERGE ON (id)");
      }
      ExecutorService threads = Executors.newFixedThreadPool(loads.size());
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> outcomes = new ArrayList<>();
      for (String sql : loads) {
        outcomes.add(
            threads.submit(
                () -> {
                  start.await();
                  try (Session session = engine.openSession("racer");
                      BufferAllocator child =
                          allocator.newChildAllocator("racer", 0, Long.MAX_VALUE);
                      ExecutionResult result = session.execute(sql, child)) {
                    result.rows().next();
                    return result.rows().root().getVector("status").getObject(0).toString();
                  }
                }));
      }
      start.countDown();
      for (Future<String> outcome : outcomes) {
        assertThat(outcome.get(3, TimeUnit.MINUTES)).isEqualTo("SUCCEEDED");
      }
      threads.shutdown();

      Table table =
          engine.catalogs().catalog("iceberg").loadTable(TableIdentifier.of("race", "mixed"));
      Map<Long, String> writerOf = new java.util.HashMap<>();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        rows.forEach(
            row ->
                assertThat(writerOf.put((Long) row.getField("id"), (String) row.getField("writer")))
                    .as("id %s once", row.getField("id"))
                    .isNull());
      }
      assertThat(writerOf).hasSize(4 * ROWS);
      for (long id = 0; id < 4L * ROWS; id++) {
        String expected = id < ROWS / 2 ? "upd1" : id < ROWS ? "upd2" : "add" + (id / ROWS);
        assertThat(writerOf.get(id)).as("writer of id %d", id).isEqualTo(expected);
      }
    }
  }

  private static String rows(int first, int count, String writer) {
    StringBuilder text = new StringBuilder("id,writer\n");
    for (int id = first; id < first + count; id++) {
      text.append(id).append(',').append(writer).append('\n');
    }
    return text.toString();
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
