package dev.tidewater.bench;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;

/**
 * The Parquet load benchmark of docs/benchmarks.md: the load benchmark's rows as Parquet files
 * written by DuckDB in the same run, {@code LOAD ... WITH DISPOSITION APPEND} from them into
 * Iceberg against DuckDB's {@code COPY (SELECT * FROM read_parquet(...)) TO ... (FORMAT parquet,
 * COMPRESSION zstd)}.
 *
 * <p>Usage: {@code bench/run-parquet [rows] [files] [runs] [work-dir]} (defaults 5,000,000 rows in
 * 4 files, 3 runs each, after one warm-up round that is not counted).
 */
public final class ParquetLoadBenchmark {
  private ParquetLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path work = Path.of(args.length > 3 ? args[3] : "bench-data").toAbsolutePath();
    Path csv = work.resolve("orders-" + rows + ".csv");
    Path landing = work.resolve("parquet-" + rows + "-" + files);
    System.out.printf("Generating %,d rows into %s ...%n", rows, csv);
    CsvGenerator.generate(csv, rows);
    LoadBenchmark.deleteRecursively(landing);
    Files.createDirectories(landing);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (int file = 0; file < files; file++) {
        statement.execute(
            "COPY (SELECT * FROM read_csv('"
                + csv
                + "', header = true) WHERE id % "
                + files
                + " = "
                + file
                + ") TO '"
                + landing.resolve("orders-" + file + ".parquet")
                + "' (FORMAT parquet)");
      }
    }
    long bytes;
    try (Stream<Path> list = Files.list(landing)) {
      bytes = list.mapToLong(path -> path.toFile().length()).sum();
    }
    System.out.printf(
        "Parquet (DuckDB's defaults, snappy): %d files, %,d bytes; JVM max heap %,d MB; %d"
            + " cores%n",
        files,
        bytes,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());

    String glob = landing + "/*.parquet";
    System.out.printf(
        Locale.ROOT,
        "warm-up: tidewater %.2f s, duckdb %.2f s%n",
        tidewater(glob, work.resolve("warm-up"), rows),
        duckdb(glob, work.resolve("duckdb.parquet")));
    List<Double> tidewater = new ArrayList<>();
    List<Double> duckdb = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      double duck = duckdb(glob, work.resolve("duckdb.parquet"));
      double tide = tidewater(glob, work.resolve("tidewater-" + run), rows);
      duckdb.add(duck);
      tidewater.add(tide);
      System.out.printf(
          Locale.ROOT,
          "run %d: tidewater %.2f s, duckdb %.2f s, ratio %.2f%n",
          run,
          tide,
          duck,
          tide / duck);
    }
    double tideMedian = median(tidewater);
    double duckMedian = median(duckdb);
    System.out.printf(
        Locale.ROOT,
        "RESULT rows=%d files=%d tidewater_median_s=%.2f duckdb_median_s=%.2f ratio=%.2f"
            + " tidewater_rows_per_s=%.0f%n",
        rows,
        files,
        tideMedian,
        duckMedian,
        tideMedian / duckMedian,
        rows / tideMedian);
  }

  private static double tidewater(String glob, Path dataDir, long rows) throws Exception {
    LoadBenchmark.deleteRecursively(dataDir);
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    try (Tidewater tidewater = Tidewater.start(config, System::getenv);
        Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
      try (ExecutionResult result =
          session.execute(
              "CREATE SOURCE bench_parquet TYPE FILES WITH (location = '" + glob + "')",
              allocator)) {
        // nothing to read
      }
      long start = System.nanoTime();
      long written;
      try (ExecutionResult result =
          session.execute(
              "LOAD bench_parquet INTO iceberg.bench.orders WITH DISPOSITION APPEND", allocator)) {
        result.rows().next();
        written = ((BigIntVector) result.rows().root().getVector("rows_written")).get(0);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (written != rows) {
        throw new IllegalStateException("the load wrote " + written + " rows, not " + rows);
      }
      return seconds;
    } finally {
      LoadBenchmark.deleteRecursively(dataDir);
    }
  }

  private static double duckdb(String glob, Path parquet) throws Exception {
    Files.deleteIfExists(parquet);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      statement.execute(
          "COPY (SELECT * FROM read_parquet('"
              + glob
              + "')) TO '"
              + parquet
              + "' (FORMAT parquet, COMPRESSION zstd)");
      return (System.nanoTime() - start) / 1e9;
    } finally {
      Files.deleteIfExists(parquet);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
