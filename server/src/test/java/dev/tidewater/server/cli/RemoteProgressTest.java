package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.Failpoints;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.server.TidewaterServerFixture;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidewater run --connect} draws a LOAD's progress as an in-process run does: while the LOAD
 * runs on the server, the runner's second session follows it in {@code system.running_loads} and
 * feeds its listener (the progress bar) with the rows and bytes read so far; the bar ends with
 * every row when the LOAD's answer comes. The {@value Failpoints#BETWEEN_BATCHES} failpoint holds
 * the server's LOAD (in this JVM) after its first batch, so the bar is seen moving before the end.
 */
class RemoteProgressTest {
  private static final int ROWS = 100_000;
  private static final String LOAD = "LOAD events INTO iceberg.live.events WITH DISPOSITION APPEND";

  @TempDir Path temp;

  @AfterEach
  void clearFailpoint() {
    System.clearProperty(Failpoints.PROPERTY);
  }

  @Test
  void aRemoteLoadFeedsTheProgressBarWhileItRuns() throws Exception {
    Path csv = writeEvents();
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection jdbc = server.connect();
        Statement statement = jdbc.createStatement();
        RemoteRunner runner =
            new RemoteRunner(
                "localhost",
                server.port(),
                RemoteRunner.Tls.NONE,
                TidewaterServerFixture.USER,
                TidewaterServerFixture.PASSWORD)) {
      statement.execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");

      // Held after its first batch: the bar must move before the LOAD's answer comes.
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      Recorder held = new Recorder();
      CompletableFuture<Void> running =
          CompletableFuture.runAsync(() -> runner.run(LOAD, held).close());
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (held.rows.get() == 0 && !running.isDone() && System.nanoTime() < giveUp) {
        Thread.sleep(20);
      }
      assertThat(running).isNotDone();
      assertThat(held.started.get()).isEqualTo(1);
      assertThat(held.splits.get()).isEqualTo(1);
      assertThat(held.totalBytes.get()).isEqualTo(Files.size(csv));
      assertThat(held.rows.get()).isPositive().isLessThan(ROWS);
      assertThat(held.bytes.get()).isPositive().isLessThanOrEqualTo(Files.size(csv));

      runner.cancel();
      assertThatThrownBy(() -> running.get(120, TimeUnit.SECONDS))
          .hasCauseInstanceOf(TidewaterException.class)
          .cause()
          .hasMessageContaining("cancel");
      System.clearProperty(Failpoints.PROPERTY);
      long rowsWhenCancelled = held.rows.get();
      Thread.sleep(3 * RemoteProgress.INTERVAL_MILLIS);
      // The watch stopped with the statement: nothing more reaches the listener.
      assertThat(held.rows.get()).isEqualTo(rowsWhenCancelled);

      // The same runner runs the LOAD to its end; its answer comes after the load, as in process,
      // and the bar has every row read by then.
      Recorder full = new Recorder();
      try (ExecutionResult result = runner.run(LOAD, full)) {
        assertThat(full.started.get()).isEqualTo(1);
        assertThat(full.rows.get()).isEqualTo(ROWS);
        assertThat(result.rows().next()).isTrue();
        assertThat(result.rows().root().getVector("status").getObject(0).toString())
            .isEqualTo("SUCCEEDED");
        assertThat(result.rows().root().getVector("rows_written").getObject(0))
            .isEqualTo((long) ROWS);
      }
    }
  }

  @Test
  void tidewaterRunConnectDrawsTheLoadsBarUntilTheLoadEnds() throws Exception {
    Path csv = writeEvents();
    Path script = temp.resolve("load.sql");
    Files.writeString(script, LOAD + ";\nSELECT count(*) AS loaded FROM iceberg.live.events;\n");
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        Connection jdbc = server.connect();
        Statement statement = jdbc.createStatement()) {
      statement.execute("CREATE SOURCE events TYPE FILES WITH (location = '" + csv + "')");

      // Held after its first batch until the property is cleared: the bar must show rows read
      // while the LOAD runs on the server, before its answer.
      System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
      CommandLineRun.Running run =
          CommandLineRun.inBackground(
              TidewaterServerFixture.PASSWORD,
              "run",
              "--connect",
              "localhost:" + server.port(),
              "--user",
              TidewaterServerFixture.USER,
              "--password-stdin",
              "--progress",
              "always",
              script.toString());
      long rowsWhileHeld;
      try {
        Pattern movingBar = Pattern.compile("\\rLOAD [^\\r\\n]* ([1-9][0-9,]*) rows");
        Matcher moving = movingBar.matcher("");
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(CommandLineRun.GIVE_UP_SECONDS);
        while (!moving.reset(run.errSoFar()).find()
            && !run.run().isDone()
            && System.nanoTime() < giveUp) {
          Thread.sleep(20);
        }
        assertThat(run.run()).as(run.errSoFar()).isNotDone();
        assertThat(moving.find(0)).as(run.errSoFar()).isTrue();
        rowsWhileHeld = Long.parseLong(moving.group(1).replace(",", ""));
      } finally {
        // Releases the held LOAD: it runs to its end.
        System.clearProperty(Failpoints.PROPERTY);
      }
      assertThat(rowsWhileHeld).isPositive().isLessThan(ROWS);

      CommandLineRun done = run.finish();
      assertThat(done.exitCode()).as(done.err()).isZero();
      // The bar ends (its last state, then a new line) at 100 % with every row, before the answer.
      assertThat(done.err())
          .containsPattern("\\rLOAD 100% [^\\r\\n]* 100,000 rows *\\n")
          .doesNotContain(TidewaterServerFixture.PASSWORD);
      assertThat(done.out()).doesNotContain(TidewaterServerFixture.PASSWORD);
      String load = done.section(script.toString(), "LOAD events");
      assertThat(load)
          .containsPattern(
              CommandLineRun.row(".*", "SUCCEEDED", "100000", "100000", "0", ".*", ".*"))
          .contains("LOAD: 1 row in");
      assertThat(done.section(script.toString(), "SELECT count(*)"))
          .containsPattern(CommandLineRun.row("100000"));
      assertThat(done.out())
          .containsPattern(CommandLineRun.row(script + ":1", "LOAD", "OK", "1", ".*"))
          .containsPattern(CommandLineRun.row(script + ":2", "SELECT", "OK", "1", ".*"));
    }
  }

  private Path writeEvents() throws IOException {
    Path csv = temp.resolve("events.csv");
    try (Writer out = Files.newBufferedWriter(csv)) {
      out.write("seq,payload\n");
      for (int seq = 0; seq < ROWS; seq++) {
        out.write(seq + ",event-" + seq + "\n");
      }
    }
    return csv;
  }

  /** What the progress bar would have been told. */
  private static final class Recorder implements LoadListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger splits = new AtomicInteger();
    final AtomicLong totalBytes = new AtomicLong();
    final AtomicLong rows = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public void started(String loadId, int splitCount, long bytesTotal) {
      started.incrementAndGet();
      splits.set(splitCount);
      totalBytes.set(bytesTotal);
    }

    @Override
    public void progressed(long bytesRead, long rowsRead) {
      bytes.addAndGet(bytesRead);
      rows.addAndGet(rowsRead);
    }
  }
}
