package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.planner.load.Failpoints;
import dev.tidewater.server.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code tidewater server} process is SIGKILLed while it runs an incremental LOAD for a JDBC
 * client — once with every file written but nothing committed, once right after the Iceberg commit
 * but before the load history says so. A new server on the same data directory finds the table with
 * the old rows and the old cursor, or the new rows and the new cursor, never a mix; its load
 * history says FAILED or SUCCEEDED accordingly; and running the load again loads each row exactly
 * once.
 */
class ServerKillTest {
  private static final String USER = "killer";
  private static final String PASSWORD = "k1ll-Pa55";
  private static final int FIRST_ROWS = 1_000;
  private static final int ALL_ROWS = 50_000;

  @TempDir Path temp;

  @ParameterizedTest(name = "{0} during {1}")
  @CsvSource({
    "APPEND, " + Failpoints.BEFORE_COMMIT,
    "APPEND, " + Failpoints.AFTER_COMMIT,
    "MERGE ON (seq), " + Failpoints.BEFORE_COMMIT,
    "MERGE ON (seq), " + Failpoints.AFTER_COMMIT
  })
  void aKilledServerLeavesTheOldOrTheNewTableAndHistoryThatSaysWhich(
      String disposition, String failpoint) throws Exception {
    Path data = temp.resolve("data");
    Path csv = temp.resolve("events.csv");
    writeEvents(csv, FIRST_ROWS);
    String load =
        "LOAD events INTO crash.events WITH DISPOSITION " + disposition + " INCREMENTAL ON seq";

    // A first load, on a server that is not killed, moves the cursor to FIRST_ROWS - 1.
    try (ServerProcess server = ServerProcess.start(null, data, null, USER, PASSWORD);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");
      statement.executeQuery(load).close();
    }

    writeEvents(csv, ALL_ROWS);
    try (ServerProcess server = ServerProcess.start(null, data, failpoint, USER, PASSWORD)) {
      CompletableFuture<Void> client =
          CompletableFuture.runAsync(
              () -> {
                try (Connection connection = server.connect();
                    Statement statement = connection.createStatement()) {
                  statement.executeQuery(load).close();
                } catch (SQLException e) {
                  // the server dies under the statement
                }
              });
      assertThat(server.awaitFailpoint(120, TimeUnit.SECONDS))
          .as("the load reached %s", failpoint)
          .isTrue();
      server.kill();
      client.get(60, TimeUnit.SECONDS);
    }

    boolean committed = failpoint.equals(Failpoints.AFTER_COMMIT);
    try (ServerProcess server = ServerProcess.start(null, data, null, USER, PASSWORD);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      long expected = committed ? ALL_ROWS : FIRST_ROWS;
      assertTable(statement, expected);
      try (ResultSet loads =
          statement.executeQuery(
              "SELECT status, cursor_after, error FROM system.loads ORDER BY started_at DESC")) {
        assertThat(loads.next()).isTrue();
        assertThat(loads.getString(1)).isEqualTo(committed ? "SUCCEEDED" : "FAILED");
        assertThat(loads.getString(2)).isEqualTo(Long.toString(expected - 1));
        if (!committed) {
          assertThat(loads.getString(3)).contains("ended before the load committed");
        }
      }
      // Running the load again loads what is missing, once.
      statement.executeQuery(load).close();
      assertTable(statement, ALL_ROWS);
    }
  }

  /** The table holds seq 0 .. rows-1, each once. */
  private static void assertTable(Statement statement, long rows) throws SQLException {
    try (ResultSet result =
        statement.executeQuery(
            "SELECT count(*), count(DISTINCT seq), max(seq) FROM crash.events")) {
      assertThat(result.next()).isTrue();
      assertThat(result.getLong(1)).isEqualTo(rows);
      assertThat(result.getLong(2)).isEqualTo(rows);
      assertThat(result.getLong(3)).isEqualTo(rows - 1);
    }
  }

  private static void writeEvents(Path csv, int rows) throws IOException {
    StringBuilder text = new StringBuilder(rows * 16).append("seq,payload\n");
    for (int seq = 0; seq < rows; seq++) {
      text.append(seq).append(",event-").append(seq).append('\n');
    }
    Files.writeString(csv, text);
  }
}
