package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.planner.load.Cursors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under SIGKILL: a {@code tidewater run} process is killed at different moments of an
 * incremental LOAD; after each kill the table holds exactly the rows up to its cursor, and a final
 * run loads the rest once.
 */
class KillDuringLoadTest {
  private static final int ROWS_PER_ROUND = 200_000;
  private static final int[] KILL_DELAYS_MILLIS = {50, 300, 600, 900};

  @TempDir Path temp;

  @Test
  void aKilledLoadLeavesTheOldOrTheNewDataAndAMatchingCursor() throws Exception {
    Path data = temp.resolve("data");
    Path csv = temp.resolve("events.csv");
    Path script = temp.resolve("load.sql");
    Files.writeString(
        script,
        "CREATE OR REPLACE SOURCE events TYPE FILES WITH (location = '"
            + csv
            + "');\n"
            + "LOAD events INTO crash.events WITH DISPOSITION APPEND INCREMENTAL ON seq;\n");
    int rounds = 0;
    for (int delay : KILL_DELAYS_MILLIS) {
      rounds++;
      writeEvents(csv, rounds * ROWS_PER_ROUND);
      Process process = start(data, script);
      waitForLoadToStart(process);
      TimeUnit.MILLISECONDS.sleep(delay);
      process.destroyForcibly();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertConsistent(data);
    }
    Process last = start(data, script);
    drain(last);
    assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).isZero();
    long[] state = assertConsistent(data);
    assertThat(state[0]).isEqualTo((long) rounds * ROWS_PER_ROUND);
  }

  /** Checks that the table holds exactly seq 0..cursor; returns {rows, cursor}. */
  private static long[] assertConsistent(Path data) {
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(data);
    try (Tidewater tidewater = Tidewater.start(config, name -> null);
        Session session = tidewater.engine().openSession("check");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("check", 0, Long.MAX_VALUE)) {
      Catalog catalog = tidewater.engine().catalogs().catalog("iceberg");
      TableIdentifier id = TableIdentifier.of("crash", "events");
      if (!catalog.tableExists(id)) {
        return new long[] {0, -1};
      }
      Table table = catalog.loadTable(id);
      Optional<String> cursor = Cursors.last(table, "events");
      List<Long> counts = new ArrayList<>();
      try (ExecutionResult result =
          session.execute(
              "SELECT count(*), count(DISTINCT seq), coalesce(max(seq), -1) FROM crash.events",
              allocator)) {
        result.rows().next();
        for (int column = 0; column < 3; column++) {
          counts.add(((BigIntVector) result.rows().root().getVector(column)).get(0));
        }
      }
      long expectedCursor = cursor.map(Long::parseLong).orElse(-1L);
      assertThat(counts.get(2))
          .as("max(seq) equals the committed cursor")
          .isEqualTo(expectedCursor);
      assertThat(counts.get(0)).as("rows 0..cursor, once each").isEqualTo(expectedCursor + 1);
      assertThat(counts.get(1)).isEqualTo(counts.get(0));
      return new long[] {counts.get(0), expectedCursor};
    }
  }

  private static void writeEvents(Path csv, int rows) throws IOException {
    StringBuilder text = new StringBuilder(rows * 16).append("seq,payload\n");
    for (int seq = 0; seq < rows; seq++) {
      text.append(seq).append(",event-").append(seq).append('\n');
    }
    Files.writeString(csv, text);
  }

  private static Process start(Path data, Path script) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.tidewater.server.cli.Main",
            "run",
            "--data-dir",
            data.toString(),
            script.toString());
    builder.redirectErrorStream(true);
    return builder.start();
  }

  /** Reads the child's output until it announces the LOAD statement. */
  private static void waitForLoadToStart(Process process) throws IOException {
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      if (line.contains(": LOAD events")) {
        Thread drainer = new Thread(() -> drain(output));
        drainer.setDaemon(true);
        drainer.start();
        return;
      }
    }
    throw new AssertionError("the child process ended before its LOAD");
  }

  private static void drain(Process process) {
    Thread drainer =
        new Thread(
            () ->
                drain(
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))));
    drainer.setDaemon(true);
    drainer.start();
  }

  private static void drain(BufferedReader output) {
    try {
      while (output.readLine() != null) {
        // keep the pipe empty so the child never blocks on it
      }
    } catch (IOException e) {
      // the child is gone
    }
  }
}
