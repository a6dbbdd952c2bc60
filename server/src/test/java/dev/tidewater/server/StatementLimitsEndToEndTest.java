package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.planner.StatementLimits;
import dev.tidewater.planner.load.Failpoints;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * statement_timeout and query-memory-limit through the Flight SQL JDBC driver (a client's cancel:
 * CancelLoadEndToEndTest). A load is held between two batches by the {@value
 * Failpoints#BETWEEN_BATCHES} failpoint, which waits until its statement is stopped, so the cancel
 * always lands while the load runs.
 */
class StatementLimitsEndToEndTest {
  private static final String TARGET = "iceberg.cancel.target";
  private static final TableIdentifier TARGET_ID = TableIdentifier.of("cancel", "target");

  /** Enough rows for many batches, more than the driver asks for ahead of its reads. */
  private static final int ROWS = 1_000_000;

  @TempDir Path temp;

  @AfterEach
  void clearFailpoint() {
    System.clearProperty(Failpoints.PROPERTY);
  }

  @Test
  void aLoadPastItsSessionStatementTimeoutCommitsNothing() throws Exception {
    Path csv = writeCsv(temp.resolve("rows.csv"), 100_000, 10);
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection loader = server.connect();
        Connection other = server.connect();
        Statement load = loader.createStatement();
        Statement query = other.createStatement()) {
      long before = baseline(server, load, csv);

      load.execute("SET statement_timeout = '1s'");
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      assertThatThrownBy(
              () ->
                  load.executeQuery("LOAD generated INTO " + TARGET + " WITH DISPOSITION APPEND")
                      .close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("statement timed out after 1s")
          .hasMessageContaining("statement_timeout");
      System.clearProperty(Failpoints.PROPERTY);

      List<String> timedOut =
          loads(query).stream()
              .filter(each -> !each.get(1).equals("SUCCEEDED"))
              .findFirst()
              .orElseThrow();
      assertThat(timedOut.get(1)).isEqualTo("CANCELLED");
      assertThat(timedOut.get(2)).contains("statement_timeout");
      assertThat(currentSnapshot(server).snapshotId()).isEqualTo(before);

      // Other sessions keep no timeout; this one may turn it off again.
      load.execute("SET statement_timeout = '0'");
      load.executeQuery("LOAD generated INTO " + TARGET + " WITH DISPOSITION APPEND").close();
      assertThat(count(query, "SELECT count(*) FROM " + TARGET)).isEqualTo(200_000);
      awaitNoArrowMemory(server);
    }
  }

  @Test
  void theConfiguredStatementTimeoutAppliesToEverySession() throws Exception {
    Path csv = writeCsv(temp.resolve("rows.csv"), 50_000, 10);
    Path config = temp.resolve("tidewater.yaml");
    Files.writeString(config, "data-dir: " + temp.resolve("data") + "\nstatement-timeout: 500ms\n");
    try (TidewaterServerFixture server =
            new TidewaterServerFixture(TidewaterConfig.load(config, name -> null));
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE generated TYPE FILES WITH (location = '" + csv + "')");
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      assertThatThrownBy(
              () ->
                  statement
                      .executeQuery("LOAD generated INTO " + TARGET + " WITH DISPOSITION APPEND")
                      .close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("statement timed out after 500ms");
      System.clearProperty(Failpoints.PROPERTY);
      assertThat(server.tidewater().engine().catalogs().catalog("iceberg").tableExists(TARGET_ID))
          .isFalse();
      assertThat(loads(statement).get(0).get(1)).isEqualTo("CANCELLED");
    }
  }

  @Test
  void aStatementOverItsQueryMemoryLimitFailsClearlyAndCommitsNothing() throws Exception {
    // Each batch of wide rows needs megabytes; SHOW LOADS needs a few kilobytes.
    Path csv = writeCsv(temp.resolve("wide.csv"), 100_000, 200);
    TidewaterConfig config =
        TidewaterConfig.defaults()
            .withDataDir(temp.resolve("data"))
            .withLimits(new StatementLimits(Duration.ZERO, 2 << 20));
    try (TidewaterServerFixture server = new TidewaterServerFixture(config);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE wide TYPE FILES WITH (location = '" + csv + "')");
      SQLException error =
          failure(statement, "LOAD wide INTO " + TARGET + " WITH DISPOSITION APPEND");
      assertThat((Throwable) error)
          .isNotNull()
          .hasMessageContaining("statement exceeded query-memory-limit of 2MB")
          .hasMessageNotContaining("internal error");
      // Over Flight, a memory limit is RESOURCE_EXHAUSTED: not the client's mistake, not a bug.
      assertThat(flightStatus(error)).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);

      List<String> failed = loads(statement).get(0);
      assertThat(failed.get(1)).isEqualTo("FAILED");
      assertThat(failed.get(2)).contains("memory");
      assertThat(server.tidewater().engine().catalogs().catalog("iceberg").tableExists(TARGET_ID))
          .isFalse();
      awaitNoArrowMemory(server);
    }
  }

  @Test
  void aCancelledSelectStopsStreamingAndTheServerServesOn() throws Exception {
    Path csv = writeCsv(temp.resolve("rows.csv"), ROWS, 10);
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection reader = server.connect();
        Connection other = server.connect();
        Statement select = reader.createStatement();
        Statement query = other.createStatement()) {
      baseline(server, select, csv);

      long seen = 0;
      try (ResultSet rows = select.executeQuery("SELECT id, name FROM " + TARGET)) {
        assertThat(rows.next()).isTrue();
        seen++;
        select.cancel();
        while (rows.next()) {
          seen++;
        }
      } catch (SQLException | RuntimeException e) {
        // The driver fails the read of a cancelled stream, or ends it early.
        assertThat(e.getMessage()).containsIgnoringCase("cancel");
      }
      assertThat(seen).isLessThan(ROWS);

      // Both connections are served again, and the statement gave back all its memory.
      assertThat(count(query, "SELECT count(*) FROM " + TARGET)).isEqualTo(ROWS);
      try (Statement again = reader.createStatement()) {
        assertThat(count(again, "SELECT count(*) FROM " + TARGET)).isEqualTo(ROWS);
      }
      awaitNoArrowMemory(server);
    }
  }

  @Test
  void aSelectPastItsStatementTimeoutStopsAndTheServerServesOn() throws Exception {
    Path csv = writeCsv(temp.resolve("rows.csv"), ROWS, 10);
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection reader = server.connect();
        Connection other = server.connect();
        Statement select = reader.createStatement();
        Statement query = other.createStatement()) {
      baseline(server, select, csv);
      select.execute("SET statement_timeout = '500ms'");

      // The client reads one row, then waits past the timeout: the server stops at its next batch
      // (the driver only asks for a few batches ahead), so the rest of the rows never come.
      long seen = 0;
      Exception stopped = null;
      try (ResultSet rows = select.executeQuery("SELECT id, name FROM " + TARGET)) {
        if (rows.next()) {
          seen++;
        }
        TimeUnit.MILLISECONDS.sleep(1_500);
        while (rows.next()) {
          seen++;
        }
      } catch (SQLException | RuntimeException e) {
        // The driver throws its (shaded) FlightRuntimeException from next() as it is.
        stopped = e;
      }
      assertThat((Throwable) stopped).isNotNull();
      assertThat(stopped.getMessage()).contains("statement timed out after 500ms");
      assertThat(flightStatus(stopped)).isEqualTo(FlightStatusCode.TIMED_OUT);
      assertThat(seen).isLessThan(ROWS);

      select.execute("RESET statement_timeout");
      assertThat(count(select, "SELECT count(*) FROM " + TARGET)).isEqualTo(ROWS);
      assertThat(count(query, "SELECT count(*) FROM " + TARGET)).isEqualTo(ROWS);
      awaitNoArrowMemory(server);
    }
  }

  // ---- helpers

  /**
   * The Flight status code in a JDBC error's causes, or null. The driver shades Arrow Flight, so
   * its FlightRuntimeException is known by name; its {@code toString()} names the code (its message
   * is only the server's description).
   */
  private static FlightStatusCode flightStatus(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getClass().getSimpleName().equals("FlightRuntimeException")) {
        String text = cause.toString().substring(cause.getClass().getName().length() + 2);
        return FlightStatusCode.valueOf(text.substring(0, text.indexOf(':')));
      }
    }
    return null;
  }

  /** Creates source {@code rows} over {@code csv} and loads it once; returns the snapshot. */
  private static long baseline(TidewaterServerFixture server, Statement statement, Path csv)
      throws SQLException {
    statement.execute("CREATE SOURCE generated TYPE FILES WITH (location = '" + csv + "')");
    statement.executeQuery("LOAD generated INTO " + TARGET + " WITH DISPOSITION APPEND").close();
    return currentSnapshot(server).snapshotId();
  }

  private static Snapshot currentSnapshot(TidewaterServerFixture server) {
    return server
        .tidewater()
        .engine()
        .catalogs()
        .catalog("iceberg")
        .loadTable(TARGET_ID)
        .currentSnapshot();
  }

  /** The statement's failure, or null when it succeeded. */
  private static SQLException failure(Statement statement, String sql) {
    try {
      statement.executeQuery(sql).close();
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  /** Each load of the target as {@code [load_id, status, error, rows_written]}, oldest first. */
  private static List<List<String>> loads(Statement statement) throws SQLException {
    List<List<String>> loads = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery("SHOW LOADS FOR " + TARGET)) {
      while (rows.next()) {
        loads.add(
            List.of(
                rows.getString("load_id"),
                rows.getString("status"),
                String.valueOf(rows.getString("error")),
                String.valueOf(rows.getLong("rows_written"))));
      }
    }
    return loads;
  }

  /** Waits until a load of the target has {@code status}; returns its record. */
  private static List<String> awaitStatus(Statement statement, String status) throws Exception {
    for (long deadline = deadline(); System.nanoTime() < deadline; ) {
      for (List<String> load : loads(statement)) {
        if (load.get(1).equals(status)) {
          return load;
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("no load became " + status + ": " + loads(statement));
  }

  /** A bound on the waits for the server, so that a broken cancel fails instead of hanging. */
  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
  }

  /** Waits until load {@code loadId} has {@code status}; returns {@code [id, error, written]}. */
  private static List<String> awaitLoad(Statement statement, String loadId, String status)
      throws Exception {
    for (long deadline = deadline(); System.nanoTime() < deadline; ) {
      for (List<String> load : loads(statement)) {
        if (load.get(0).equals(loadId) && load.get(1).equals(status)) {
          return List.of(load.get(0), load.get(2), load.get(3));
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError(
        "load " + loadId + " did not become " + status + ": " + loads(statement));
  }

  /** The statements' memory comes back once their threads have unwound. */
  private static void awaitNoArrowMemory(TidewaterServerFixture server) throws Exception {
    for (long deadline = deadline(); System.nanoTime() < deadline; ) {
      if (server.tidewater().allocator().getAllocatedMemory() == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError(
        "Arrow memory still allocated: " + server.tidewater().allocator().toVerboseString());
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getLong(1);
    }
  }

  /** {@code rows} rows of {@code id,name}, each name {@code width} characters. */
  private static Path writeCsv(Path file, int rows, int width) throws IOException {
    String padding = "x".repeat(width);
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("id,name\n");
      for (int id = 0; id < rows; id++) {
        out.write(id + ",n" + padding + id + "\n");
      }
    }
    return file;
  }
}
