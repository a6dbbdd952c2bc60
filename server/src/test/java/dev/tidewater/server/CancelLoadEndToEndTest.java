package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.planner.load.Failpoints;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client cancels a running LOAD through the Flight SQL JDBC driver's {@code Statement.cancel()}:
 * the load stops between two batches, commits nothing (no snapshot, the cursor stays), releases its
 * Arrow memory and files, records {@code CANCELLED}, and the server goes on serving.
 */
class CancelLoadEndToEndTest {
  private static final int ROWS = 60_000;

  /** Guards against a hang; no assertion depends on how long anything takes. */
  private static final long GIVE_UP_SECONDS = 120;

  @TempDir Path temp;

  @Test
  void aCancelledLoadCommitsNothingAndIsRecordedCancelled() throws Exception {
    Path small = temp.resolve("small.csv");
    Files.writeString(small, "id,qty\n1,5\n2,6\n");
    Path big = temp.resolve("big.csv");
    writeRows(big, 10, ROWS);
    ExecutorService loader = Executors.newSingleThreadExecutor();
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection loading = server.connect();
        Connection other = server.connect();
        Statement load = loading.createStatement();
        Statement watch = other.createStatement()) {
      // One source, first over a small file, then over a big one: the cursor carries over.
      load.execute("CREATE SOURCE feed TYPE FILES WITH (location = '" + small + "')");
      String first;
      try (ResultSet answer =
          load.executeQuery(
              "LOAD feed INTO iceberg.cancel.target WITH DISPOSITION APPEND INCREMENTAL ON id")) {
        answer.next();
        first = answer.getString("load_id");
      }
      load.execute("CREATE OR REPLACE SOURCE feed TYPE FILES WITH (location = '" + big + "')");
      Catalog catalog = server.tidewater().engine().catalogs().catalog("iceberg");
      Table before = catalog.loadTable(TableIdentifier.of("cancel", "target"));
      long snapshot = before.currentSnapshot().snapshotId();
      Path dataFiles = Path.of(java.net.URI.create(before.location())).resolve("data");
      BufferAllocator root = server.tidewater().allocator();
      long memoryBefore = root.getAllocatedMemory();

      // The load pauses after its first batch until it is cancelled, so it cannot end first.
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      Future<?> running;
      try {
        running =
            loader.submit(
                () -> {
                  try (ResultSet answer =
                      load.executeQuery(
                          "LOAD feed INTO iceberg.cancel.target WITH DISPOSITION APPEND"
                              + " INCREMENTAL ON id")) {
                    answer.next();
                  }
                  return null;
                });
        await(() -> statusOfSecondLoad(watch, first).equals("RUNNING"), running);
        load.cancel();
        assertThatThrownBy(() -> running.get(GIVE_UP_SECONDS, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(SQLException.class)
            // The driver cancels its own call, so the message is the driver's.
            .hasMessageContaining("Cancelling this FlightStream");
      } finally {
        System.clearProperty(Failpoints.PROPERTY);
      }

      await(() -> statusOfSecondLoad(watch, first).equals("CANCELLED"), running);
      assertThat(
              rows(
                  watch.executeQuery(
                      "SELECT rows_written, snapshot_id, cursor_before, cursor_after, error"
                          + " FROM system.loads WHERE load_id <> '"
                          + first
                          + "'")))
          .singleElement()
          .satisfies(
              row -> {
                assertThat(row.get(0)).isEqualTo(0L);
                assertThat(row.get(1)).isNull();
                assertThat(row.get(2)).isEqualTo("2");
                assertThat(row.get(3)).isEqualTo("2");
                assertThat((String) row.get(4)).contains("cancelled by the client");
              });
      // No new snapshot, so neither rows nor the cursor moved; the written files are gone.
      Table after = catalog.loadTable(TableIdentifier.of("cancel", "target"));
      assertThat(after.currentSnapshot().snapshotId()).isEqualTo(snapshot);
      assertThat(parquetFiles(dataFiles)).hasSize(1);
      // Every buffer of the load is back (the statement's allocator closes on its own thread).
      await(() -> root.getAllocatedMemory() == memoryBefore, running);

      // The server serves the next query, from another connection and from the same one.
      assertThat(rows(watch.executeQuery("SELECT count(*), max(id) FROM cancel.target")))
          .containsExactly(List.of(2L, 2L));
      // The same load again reads every row past the unmoved cursor, and commits them.
      try (Statement again = loading.createStatement();
          ResultSet answer =
              again.executeQuery(
                  "LOAD feed INTO iceberg.cancel.target WITH DISPOSITION APPEND"
                      + " INCREMENTAL ON id")) {
        assertThat(answer.next()).isTrue();
        assertThat(answer.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(answer.getLong("rows_written")).isEqualTo(ROWS);
      }
    } finally {
      loader.shutdownNow();
    }
  }

  private static String statusOfSecondLoad(Statement watch, String first) {
    try {
      List<List<Object>> rows =
          rows(
              watch.executeQuery(
                  "SELECT status FROM system.loads WHERE load_id <> '" + first + "'"));
      return rows.isEmpty() ? "" : (String) rows.get(0).get(0);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the condition holds; fails if the load ended otherwise, or after a long while. */
  private static void await(BooleanSupplier condition, Future<?> load) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("gave up waiting; the load is done: " + load.isDone());
      }
      Thread.sleep(20);
    }
  }

  private static void writeRows(Path file, int first, int count) throws IOException {
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("id,qty\n");
      for (int i = 0; i < count; i++) {
        out.write(Integer.toString(first + i));
        out.write("," + (i % 100) + "\n");
      }
    }
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(path -> path.toString().endsWith(".parquet")).toList();
    }
  }
}
