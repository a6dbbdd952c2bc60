package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.planner.load.Failpoints;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code system.running_loads} through the Flight SQL JDBC driver: a LOAD held after its first
 * batch by the {@value Failpoints#BETWEEN_BATCHES} failpoint is visible from another connection
 * with its rows and bytes so far, and leaves the view when it ends.
 */
class RunningLoadsEndToEndTest {
  private static final int ROWS = 100_000;
  private static final String LOAD = "LOAD events INTO iceberg.live.events WITH DISPOSITION APPEND";

  @TempDir Path temp;

  @AfterEach
  void clearFailpoint() {
    System.clearProperty(Failpoints.PROPERTY);
  }

  @Test
  void aRunningLoadShowsItsProgressAndLeavesWhenItEnds() throws Exception {
    Path csv = temp.resolve("events.csv");
    try (Writer out = Files.newBufferedWriter(csv)) {
      out.write("seq,payload\n");
      for (int seq = 0; seq < ROWS; seq++) {
        out.write(seq + ",event-" + seq + "\n");
      }
    }
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection loader = server.connect();
        Connection other = server.connect();
        Statement load = loader.createStatement();
        Statement watch = other.createStatement()) {
      load.execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");
      assertThat(running(watch)).isEmpty();

      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      CompletableFuture<Void> running =
          CompletableFuture.runAsync(
              () -> {
                try {
                  load.executeQuery(LOAD).close();
                } catch (SQLException e) {
                  // The cancel below fails it; anything else fails the test.
                  if (!e.getMessage().contains("Cancel")) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      // The load is in the view from its start; wait for its first batch.
      List<Object> row =
          await(
                  () -> running(watch).stream().filter(each -> (Long) each.get(6) > 0).toList(),
                  running)
              .get(0);
      // load_id, statement, user_name, source, target, phase, rows_read, bytes_read, bytes_total,
      // splits, splits_done, rows_per_second
      assertThat((String) row.get(0)).isNotBlank();
      assertThat(row.get(1)).isEqualTo(LOAD);
      assertThat(row.get(2)).isEqualTo(TidewaterServerFixture.USER);
      assertThat(row.get(3)).isEqualTo("events");
      assertThat(row.get(4)).isEqualTo("iceberg.live.events");
      assertThat(row.get(5)).isEqualTo("EXTRACTING");
      // Held after its first batch: some rows, not all of them.
      assertThat((Long) row.get(6)).isPositive().isLessThan(ROWS);
      assertThat((Long) row.get(7)).isPositive().isLessThanOrEqualTo((Long) row.get(8));
      assertThat(row.get(8)).isEqualTo(Files.size(csv));
      assertThat(row.get(9)).isEqualTo(1L);
      assertThat(row.get(10)).isEqualTo(0L);
      assertThat((Double) row.get(11)).isPositive();
      String loadId = (String) row.get(0);
      // The same load is RUNNING in the history.
      assertThat(
              rows(
                  watch.executeQuery(
                      "SELECT status FROM system.loads WHERE load_id = '" + loadId + "'")))
          .containsExactly(List.of("RUNNING"));

      load.cancel();
      running.get(120, TimeUnit.SECONDS);
      System.clearProperty(Failpoints.PROPERTY);
      await(
          () ->
              rows(
                  watch.executeQuery(
                      "SELECT status FROM system.loads WHERE load_id = '"
                          + loadId
                          + "' AND status <> 'RUNNING'")),
          running);
      assertThat(running(watch)).isEmpty();

      // A load that runs to its end leaves the view too.
      try (Statement again = loader.createStatement();
          ResultSet answer = again.executeQuery(LOAD)) {
        assertThat(answer.next()).isTrue();
        assertThat(answer.getString("status")).isEqualTo("SUCCEEDED");
      }
      assertThat(running(watch)).isEmpty();
    }
  }

  private static List<List<Object>> running(Statement watch) throws SQLException {
    return rows(
        watch.executeQuery(
            "SELECT load_id, statement, user_name, source, target, phase, rows_read, bytes_read,"
                + " bytes_total, splits, splits_done, rows_per_second FROM system.running_loads"));
  }

  /** Polls until the query answers rows; fails if the load ended first, or after a long while. */
  private static <T> List<T> await(Query<T> query, CompletableFuture<?> load) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      List<T> rows = query.rows();
      if (!rows.isEmpty()) {
        return rows;
      }
      if (System.nanoTime() > giveUp) {
        throw new AssertionError(
            "gave up waiting; the load is done: "
                + load.isDone()
                + (load.isCompletedExceptionally() ? " " + load.handle((v, e) -> e).join() : ""));
      }
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  private interface Query<T> {
    List<T> rows() throws SQLException;
  }
}
