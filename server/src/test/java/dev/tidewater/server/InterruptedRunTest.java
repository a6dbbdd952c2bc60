package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.planner.load.Failpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT, sent with {@code kill -INT}) and SIGTERM (what {@code Process.destroy()} sends)
 * to a real {@code tidewater run} process while its LOAD runs, in process and with {@code
 * --connect}: the LOAD is cancelled through the statement's Cancellation, commits nothing, is
 * recorded CANCELLED, the script's later statements are skipped, and the process exits with 128 +
 * the signal. The {@value Failpoints#BETWEEN_BATCHES} failpoint holds the LOAD after its first
 * batch until it is cancelled, so the signal always lands while it runs.
 */
class InterruptedRunTest {
  private static final int ROWS = 100_000;

  /** Guards against a hang; no assertion depends on how long anything takes. */
  private static final long GIVE_UP_SECONDS = 120;

  private static final TableIdentifier TARGET = TableIdentifier.of("stopped", "events");

  @TempDir Path temp;

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    System.clearProperty(Failpoints.PROPERTY);
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void ctrlCAndSigtermCancelAnInProcessLoad() throws Exception {
    Path data = temp.resolve("data");
    Path script = script();

    Child interrupted = start(List.of("--data-dir", data.toString(), script.toString()), null);
    interrupted.await("tidewater failpoint reached: " + Failpoints.BETWEEN_BATCHES);
    signal(interrupted.process, "INT");
    assertThat(interrupted.exitCode()).as(interrupted.output()).isEqualTo(130);
    assertThat(interrupted.output())
        .contains("interrupted (SIGINT)")
        .contains("the statement was cancelled (interrupted")
        .containsPattern("load.sql:\\d+ +\\| LOAD +\\| CANCELLED")
        .containsPattern("load.sql:\\d+ +\\| SELECT +\\| SKIPPED");

    Child terminated = start(List.of("--data-dir", data.toString(), script.toString()), null);
    terminated.await("tidewater failpoint reached: " + Failpoints.BETWEEN_BATCHES);
    // What Process.destroy() sends; destroy() itself would also close the pipe we read from.
    signal(terminated.process, "TERM");
    assertThat(terminated.exitCode()).as(terminated.output()).isEqualTo(143);
    assertThat(terminated.output()).contains("interrupted (SIGTERM)");

    // Both loads are CANCELLED and committed nothing: the table they would create does not exist,
    // and the files they wrote are gone.
    try (TidewaterServerFixture server = new TidewaterServerFixture(data);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      assertThat(
              rows(statement.executeQuery("SELECT status, rows_written, error FROM system.loads")))
          .hasSize(2)
          .allSatisfy(
              row -> {
                assertThat(row.get(0)).isEqualTo("CANCELLED");
                assertThat(row.get(1)).isEqualTo(0L);
                assertThat((String) row.get(2)).contains("cancelled (interrupted");
              });
      assertThat(server.tidewater().engine().catalogs().catalog("iceberg").tableExists(TARGET))
          .isFalse();
      assertThat(parquetFiles(data)).isEmpty();
    }
  }

  @Test
  void ctrlCCancelsALoadRunningOnAServer() throws Exception {
    Path script = script();
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection connection = server.connect();
        Statement watch = connection.createStatement()) {
      // The failpoint holds the server's load, which runs in this JVM.
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      Child client =
          start(
              List.of(
                  "--connect",
                  "127.0.0.1:" + server.port(),
                  "--user",
                  TidewaterServerFixture.USER,
                  "--password-stdin",
                  script.toString()),
              TidewaterServerFixture.PASSWORD);
      await(() -> statuses(watch).contains("RUNNING"), client);
      signal(client.process, "INT");
      assertThat(client.exitCode()).as(client.output()).isEqualTo(130);
      System.clearProperty(Failpoints.PROPERTY);
      assertThat(client.output())
          .contains("interrupted (SIGINT)")
          .containsPattern("load.sql:\\d+ +\\| LOAD +\\| CANCELLED")
          .containsPattern("load.sql:\\d+ +\\| SELECT +\\| SKIPPED");

      await(() -> statuses(watch).equals(List.of("CANCELLED")), client);
      assertThat(server.tidewater().engine().catalogs().catalog("iceberg").tableExists(TARGET))
          .isFalse();
      // The server goes on serving, the same load included.
      assertThat(
              rows(watch.executeQuery("LOAD events INTO stopped.events WITH DISPOSITION APPEND")))
          .singleElement()
          .satisfies(row -> assertThat(row.get(1)).isEqualTo("SUCCEEDED"));
      assertThat(rows(watch.executeQuery("SELECT count(*) FROM stopped.events")))
          .containsExactly(List.of((long) ROWS));
    }
  }

  // ---- helpers

  /** A script: a source over a CSV of {@value #ROWS} rows, a LOAD of it, then a query. */
  private Path script() throws IOException {
    Path csv = temp.resolve("events.csv");
    try (Writer out = Files.newBufferedWriter(csv)) {
      out.write("seq,payload\n");
      for (int seq = 0; seq < ROWS; seq++) {
        out.write(seq + ",event-" + seq + "\n");
      }
    }
    Path script = temp.resolve("load.sql");
    Files.writeString(
        script,
        "CREATE OR REPLACE SOURCE events TYPE FILES WITH (location = '"
            + csv
            + "');\n"
            + "LOAD events INTO stopped.events WITH DISPOSITION APPEND;\n"
            + "SELECT count(*) FROM stopped.events;\n");
    return script;
  }

  private static List<String> statuses(Statement watch) {
    try {
      List<String> statuses = new ArrayList<>();
      for (List<Object> row : rows(watch.executeQuery("SELECT status FROM system.loads"))) {
        statuses.add((String) row.get(0));
      }
      return statuses;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, Child child) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp || !child.process.isAlive()) {
        throw new AssertionError("gave up waiting; the client's output:\n" + child.output());
      }
      Thread.sleep(20);
    }
  }

  /** Sends a signal the way a terminal's Ctrl-C or a shell's {@code kill} does. */
  private static void signal(Process process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    assertThat(kill.waitFor(GIVE_UP_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private Child start(List<String> arguments, String stdin) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx512m",
                "-D" + Failpoints.PROPERTY + "=" + Failpoints.BETWEEN_BATCHES,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tidewater.server.cli.Main",
                "run"));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    children.add(process);
    try (Writer in = new java.io.OutputStreamWriter(process.getOutputStream())) {
      if (stdin != null) {
        in.write(stdin + "\n");
      }
    }
    return new Child(process);
  }

  /** A child process whose output is collected as it comes, so that it never blocks on it. */
  private static final class Child {
    final Process process;
    private final StringBuffer output = new StringBuffer();
    private final List<String> awaited = new ArrayList<>();
    private volatile CountDownLatch seen = new CountDownLatch(0);

    Child(Process process) {
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    synchronized (awaited) {
                      if (!awaited.isEmpty() && line.contains(awaited.get(0))) {
                        seen.countDown();
                      }
                    }
                  }
                } catch (IOException e) {
                  // the child is gone
                } finally {
                  seen.countDown();
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits until the child prints a line containing {@code text}. */
    void await(String text) throws InterruptedException {
      synchronized (awaited) {
        awaited.clear();
        awaited.add(text);
        seen = new CountDownLatch(1);
        if (output.toString().contains(text)) {
          seen.countDown();
        }
      }
      assertThat(seen.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).as(output()).isTrue();
      assertThat(output()).contains(text);
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(GIVE_UP_SECONDS, TimeUnit.SECONDS))
          .as("the process ended; its output:\n%s", output())
          .isTrue();
      return process.exitValue();
    }

    String output() {
      return output.toString();
    }
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(path -> path.toString().endsWith(".parquet")).toList();
    }
  }
}
