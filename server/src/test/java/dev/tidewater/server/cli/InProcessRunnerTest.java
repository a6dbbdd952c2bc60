package dev.tidewater.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each statement of {@code tidewater run} has its own allocator, closed with its result. */
class InProcessRunnerTest {
  @TempDir Path temp;

  @Test
  void eachStatementAllocatesFromItsOwnChildAllocator() throws Exception {
    Path csv = temp.resolve("cities.csv");
    Files.writeString(csv, "city,population\nOslo,709000\nLima,10092000\n");
    try (Tidewater tidewater = start();
        InProcessRunner runner = new InProcessRunner(tidewater)) {
      BufferAllocator root = tidewater.allocator();
      List<String> before = names(root);

      run(runner, "CREATE SOURCE cities TYPE FILES WITH (location = '" + csv + "')");
      assertThat(names(root)).isEqualTo(before);

      try (ExecutionResult load =
          runner.run("LOAD cities INTO geo.cities WITH DISPOSITION REPLACE", LoadListener.NONE)) {
        assertThat(names(root)).containsAll(before).contains("statement-2");
      }
      assertThat(names(root)).isEqualTo(before);

      try (ExecutionResult query =
          runner.run("SELECT city FROM geo.cities ORDER BY city", LoadListener.NONE)) {
        assertThat(query.rows().next()).isTrue();
        BufferAllocator statement = child(root, "statement-3");
        // The result's vectors and the scan's batches are both charged to this statement.
        assertThat(statement.getAllocatedMemory()).isPositive();
        // Under it, the statement limits' allocator (query-memory-limit), then the scans'.
        assertThat(child(statement, "statement").getChildAllocators())
            .extracting(BufferAllocator::getName)
            .contains("query-scans");
      }
      assertThat(names(root)).isEqualTo(before);
      assertThat(root.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void memoryAStatementKeepsFailsThatStatementAndNotTheNext() {
    Tidewater tidewater = start();
    InProcessRunner runner = new InProcessRunner(tidewater);
    ExecutionResult result =
        runner.run("SELECT x FROM (VALUES (1), (2), (3)) AS t(x)", LoadListener.NONE);
    assertThat(result.rows().next()).isTrue();
    // Whoever keeps a buffer of a result past its close leaks it: here, this test.
    result.rows().root().getVector(0).getDataBuffer().getReferenceManager().retain();

    TidewaterException leak = catchThrowableOfType(TidewaterException.class, result::close);

    assertThat(leak.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(leak.getMessage())
        .contains("statement-1 did not release all its Arrow memory", "Memory leaked: (");
    try (ExecutionResult next = runner.run("SELECT 40 + 2", LoadListener.NONE)) {
      assertThat(next.rows().next()).isTrue();
      assertThat(next.rows().root().getVector(0).getObject(0)).isEqualTo(42);
    }
    // A closed allocator takes no buffer back, so the leak stays, and the root reports it too.
    assertThatThrownBy(runner::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("statement-1");
  }

  private Tidewater start() {
    return Tidewater.start(
        TidewaterConfig.defaults().withDataDir(temp.resolve("data")),
        Map.<String, String>of()::get);
  }

  private static void run(InProcessRunner runner, String sql) {
    try (ExecutionResult result = runner.run(sql, LoadListener.NONE)) {
      if (result.hasRows()) {
        while (result.rows().next()) {
          // drain
        }
      }
    }
  }

  private static List<String> names(BufferAllocator allocator) {
    return allocator.getChildAllocators().stream().map(BufferAllocator::getName).sorted().toList();
  }

  private static BufferAllocator child(BufferAllocator allocator, String name) {
    return allocator.getChildAllocators().stream()
        .filter(child -> child.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no allocator " + name + " in " + names(allocator)));
  }
}
