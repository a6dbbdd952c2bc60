package dev.tidewater.bench;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The JDBC load benchmark of docs/benchmarks.md: the load benchmark's 13 columns as a table in an
 * embedded PostgreSQL server, {@code LOAD pg.public.trips INTO iceberg.bench.trips WITH DISPOSITION
 * APPEND} against PostgreSQL's own {@code COPY (SELECT * FROM trips) TO STDOUT (FORMAT binary)}
 * into a discarding stream through the driver's {@link CopyManager} — the speed limit of getting
 * the rows out of the database.
 *
 * <p>Usage: {@code bench/run-jdbc [rows] [runs] [work-dir] [source options]} (defaults 5,000,000
 * rows, 3 runs each, after one warm-up round that is not counted; source options such as {@code
 * "binary_copy = false"} are added to the source's WITH list).
 */
public final class JdbcLoadBenchmark {
  private static final String COPY_OUT = "COPY (SELECT * FROM trips) TO STDOUT (FORMAT binary)";
  private static final String LOAD =
      "LOAD pg.public.trips INTO iceberg.bench.trips WITH DISPOSITION APPEND";

  private JdbcLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    // More source options, e.g. "binary_copy = false" to time the result-set path.
    String sourceOptions = args.length > 3 && !args[3].isBlank() ? ", " + args[3] : "";
    Path csv = work.resolve("orders-" + rows + ".csv");
    Path pgData = work.resolve("postgres-" + rows);
    System.out.printf("Generating %,d rows into %s ...%n", rows, csv);
    CsvGenerator.generate(csv, rows);
    LoadBenchmark.deleteRecursively(pgData);
    Files.createDirectories(pgData);
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgData)
            .setServerConfig("shared_buffers", "1GB")
            .setServerConfig("max_wal_size", "4GB")
            .start()) {
      fill(postgres, csv, rows);
      System.out.printf(
          "JVM max heap %,d MB; %d cores%n",
          Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
      String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
      Path dataDir = work.resolve("tidewater-" + rows);
      LoadBenchmark.deleteRecursively(dataDir);
      TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
      try (Tidewater tidewater = Tidewater.start(config, System::getenv);
          Session session = tidewater.engine().openSession("bench");
          BufferAllocator allocator =
              tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
        execute(
            session,
            allocator,
            "CREATE SOURCE pg TYPE JDBC WITH (url = '"
                + url
                + "', user = 'postgres'"
                + sourceOptions
                + ")");
        System.out.println(explain(session, allocator));
        System.out.printf(
            Locale.ROOT,
            "warm-up: tidewater %.2f s, copy %.2f s%n",
            tidewater(session, allocator, rows),
            copy(postgres, rows));
        List<Double> tidewaterTimes = new ArrayList<>();
        List<Double> copyTimes = new ArrayList<>();
        long peakHeap = 0;
        for (int run = 1; run <= runs; run++) {
          // Alternate which one goes first, so that neither always gets the warmer machine.
          double copy = run % 2 == 0 ? copy(postgres, rows) : 0;
          LoadBenchmark.resetPeaks();
          double tide = tidewater(session, allocator, rows);
          peakHeap = Math.max(peakHeap, LoadBenchmark.peakHeapBytes());
          if (run % 2 == 1) {
            copy = copy(postgres, rows);
          }
          tidewaterTimes.add(tide);
          copyTimes.add(copy);
          System.out.printf(
              Locale.ROOT,
              "run %d: tidewater %.2f s (%,.0f rows/s), copy %.2f s, ratio %.2f%n",
              run,
              tide,
              rows / tide,
              copy,
              tide / copy);
        }
        double tideMedian = LoadBenchmark.median(tidewaterTimes);
        double copyMedian = LoadBenchmark.median(copyTimes);
        System.out.printf(
            Locale.ROOT,
            "RESULT rows=%d tidewater_median_s=%.2f copy_median_s=%.2f ratio=%.2f"
                + " tidewater_rows_per_s=%.0f copy_rows_per_s=%.0f peak_heap_mb=%d%n",
            rows,
            tideMedian,
            copyMedian,
            tideMedian / copyMedian,
            rows / tideMedian,
            rows / copyMedian,
            peakHeap >> 20);
      } finally {
        LoadBenchmark.deleteRecursively(dataDir);
      }
    } finally {
      LoadBenchmark.deleteRecursively(pgData);
      // The generated CSV (about 650 MB at 5,000,000 rows) only fills the table: do not leave it.
      Files.deleteIfExists(csv);
      Files.deleteIfExists(csv.resolveSibling(csv.getFileName() + "." + rows + ".done"));
    }
  }

  /** Creates {@code trips} and fills it from the CSV with COPY FROM, the fastest way in. */
  private static void fill(EmbeddedPostgres postgres, Path csv, long rows) throws Exception {
    long start = System.nanoTime();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE trips (id bigint NOT NULL, customer_id bigint, quantity integer,"
              + " price double precision, discount double precision, amount numeric(10,2),"
              + " tax numeric(10,2), created_at timestamp, updated_at timestamp, status text,"
              + " country text, channel text, note text)");
      long copied;
      try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
        copied =
            connection
                .unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn("COPY trips FROM STDIN (FORMAT csv, HEADER true)", reader);
      }
      if (copied != rows) {
        throw new IllegalStateException("COPY FROM filled " + copied + " rows, not " + rows);
      }
      // The primary key after the fill (faster), and VACUUM so that no run pays for hint bits.
      statement.execute("ALTER TABLE trips ADD PRIMARY KEY (id)");
      statement.execute("VACUUM (FREEZE, ANALYZE) trips");
      try (var result = statement.executeQuery("SELECT pg_size_pretty(pg_table_size('trips'))")) {
        result.next();
        System.out.printf(
            Locale.ROOT,
            "PostgreSQL %s: table trips filled with %,d rows in %.1f s (%s)%n",
            connection.getMetaData().getDatabaseProductVersion(),
            rows,
            (System.nanoTime() - start) / 1e9,
            result.getString(1));
      }
    }
  }

  private static double tidewater(Session session, BufferAllocator allocator, long rows)
      throws Exception {
    execute(session, allocator, "DROP TABLE IF EXISTS iceberg.bench.trips PURGE");
    long start = System.nanoTime();
    long written;
    try (ExecutionResult result = session.execute(LOAD, allocator)) {
      result.rows().next();
      written = ((BigIntVector) result.rows().root().getVector("rows_written")).get(0);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (written != rows) {
      throw new IllegalStateException("the load wrote " + written + " rows, not " + rows);
    }
    return seconds;
  }

  private static double copy(EmbeddedPostgres postgres, long rows) throws Exception {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      CopyManager copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
      long start = System.nanoTime();
      long copied = copyManager.copyOut(COPY_OUT, OutputStream.nullOutputStream());
      double seconds = (System.nanoTime() - start) / 1e9;
      if (copied != rows) {
        throw new IllegalStateException("COPY TO sent " + copied + " rows, not " + rows);
      }
      return seconds;
    }
  }

  private static String explain(Session session, BufferAllocator allocator) throws Exception {
    StringBuilder plan = new StringBuilder();
    try (ExecutionResult result = session.execute("EXPLAIN " + LOAD, allocator)) {
      while (result.rows().next()) {
        var root = result.rows().root();
        for (int row = 0; row < root.getRowCount(); row++) {
          plan.append(root.getVector(0).getObject(row)).append('\n');
        }
      }
    }
    return plan.toString().strip();
  }

  private static void execute(Session session, BufferAllocator allocator, String sql)
      throws Exception {
    try (ExecutionResult result = session.execute(sql, allocator)) {
      // nothing to read
    }
  }
}
