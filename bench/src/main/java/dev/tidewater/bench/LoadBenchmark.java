package dev.tidewater.bench;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;

/**
 * The load benchmark of docs/benchmarks.md: LOAD ... WITH DISPOSITION APPEND of a generated CSV
 * into Iceberg, against DuckDB writing the same CSV to zstd Parquet, in the same run.
 *
 * <p>Usage: {@code bench/run [rows] [runs]} (defaults 5,000,000 rows, 3 runs each, after one
 * warm-up round that is not counted).
 */
public final class LoadBenchmark {
  private LoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    Path csv = work.resolve("orders-" + rows + ".csv");
    System.out.printf("Generating %,d rows into %s ...%n", rows, csv);
    CsvGenerator.generate(csv, rows);
    System.out.printf(
        "CSV: %,d bytes; JVM max heap %,d MB; %d cores%n",
        Files.size(csv),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());

    List<Double> tidewater = new ArrayList<>();
    List<Double> contracted = new ArrayList<>();
    List<Double> duckdb = new ArrayList<>();
    long peakHeap = 0;
    // One round to warm the JIT of every path, not counted.
    System.out.printf(
        Locale.ROOT,
        "warm-up: tidewater %.2f s, duckdb %.2f s, with the contract %.2f s%n",
        tidewater(csv, work.resolve("warm-up"), rows, false),
        duckdb(csv, work.resolve("duckdb.parquet")),
        tidewater(csv, work.resolve("warm-up"), rows, true));
    for (int run = 1; run <= runs; run++) {
      double duck = duckdb(csv, work.resolve("duckdb.parquet"));
      duckdb.add(duck);
      // Alternate which variant runs first, so that neither always gets the warmer machine.
      double contract = 0;
      if (run % 2 == 0) {
        contract = tidewater(csv, work.resolve("contract-" + run), rows, true);
      }
      resetPeaks();
      double tide = tidewater(csv, work.resolve("tidewater-" + run), rows, false);
      peakHeap = Math.max(peakHeap, peakHeapBytes());
      if (run % 2 == 1) {
        contract = tidewater(csv, work.resolve("contract-" + run), rows, true);
      }
      tidewater.add(tide);
      contracted.add(contract);
      System.out.printf(
          Locale.ROOT,
          "run %d: tidewater %.2f s, duckdb %.2f s, ratio %.2f; with the contract %.2f s%n",
          run,
          tide,
          duck,
          tide / duck,
          contract);
    }
    double tideMedian = median(tidewater);
    double contractMedian = median(contracted);
    System.out.printf(
        Locale.ROOT,
        "RESULT contract_5_checks_median_s=%.2f overhead=%.1f%%%n",
        contractMedian,
        (contractMedian / tideMedian - 1) * 100);
    double duckMedian = median(duckdb);
    System.out.printf(
        Locale.ROOT,
        "RESULT rows=%d tidewater_median_s=%.2f duckdb_median_s=%.2f ratio=%.2f"
            + " tidewater_rows_per_s=%.0f peak_heap_mb=%d%n",
        rows,
        tideMedian,
        duckMedian,
        tideMedian / duckMedian,
        rows / tideMedian,
        peakHeap >> 20);
  }

  /** Five checks: NOT NULL, two comparisons, an IN list, a LIKE. */
  private static final String CONTRACT =
      "CREATE CONTRACT bench_v1 (id BIGINT NOT NULL, quantity BIGINT CHECK (quantity > 0),"
          + " amount DECIMAL(18, 2) CHECK (amount >= 0), status VARCHAR CHECK (status IN ('new',"
          + " 'paid', 'shipped', 'void', 'returned')), note VARCHAR CHECK (note LIKE 'note-%'))";

  private static double tidewater(Path csv, Path dataDir, long rows, boolean withContract)
      throws IOException {
    deleteRecursively(dataDir);
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    try (Tidewater tidewater = Tidewater.start(config, System::getenv);
        Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
      run(
          session,
          allocator,
          "CREATE SOURCE bench_csv TYPE FILES WITH (location = '" + csv + "', format = 'csv')");
      if (withContract) {
        run(session, allocator, CONTRACT);
      }
      long start = System.nanoTime();
      long written;
      try (ExecutionResult result =
          session.execute(
              "LOAD bench_csv INTO iceberg.bench.orders WITH DISPOSITION APPEND"
                  + (withContract ? " USING CONTRACT bench_v1" : ""),
              allocator)) {
        result.rows().next();
        written = ((BigIntVector) result.rows().root().getVector("rows_written")).get(0);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (written != rows) {
        throw new IllegalStateException("the load wrote " + written + " rows, not " + rows);
      }
      return seconds;
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static void run(Session session, BufferAllocator allocator, String sql) {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      if (result.hasRows()) {
        while (result.rows().next()) {
          // drain
        }
      }
    }
  }

  private static double duckdb(Path csv, Path parquet) throws Exception {
    Files.deleteIfExists(parquet);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      statement.execute(
          "COPY (SELECT * FROM read_csv('"
              + csv
              + "', header = true)) TO '"
              + parquet
              + "' (FORMAT parquet, COMPRESSION zstd)");
      return (System.nanoTime() - start) / 1e9;
    } finally {
      Files.deleteIfExists(parquet);
    }
  }

  static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }
}
