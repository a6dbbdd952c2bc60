package dev.tidewater.bench;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The merge benchmark of docs/benchmarks.md: load the generated table, then MERGE a change set
 * (half updates of existing keys, half new keys) with each merge mode, against DuckDB's native
 * {@code MERGE INTO} on the same data, in the same run; then time an aggregate over the result.
 *
 * <p>Usage: {@code bench/run-merge [rows] [changes] [work-dir] [runs] [modes]} (defaults 5,000,000,
 * 500,000, bench-data, 3 and {@code merge-on-read,copy-on-write}; a mode {@code
 * copy-on-write:row-rewrite} rewrites files row by row through Iceberg, as before the Arrow path).
 * After one warm-up merge that is not counted, each run times DuckDB and both Tidewater modes on
 * fresh tables; the results are the medians.
 */
public final class MergeBenchmark {
  private MergeBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Path base = work.resolve("orders-" + rows + ".csv");
    CsvGenerator.generate(base, rows);
    Path delta = work.resolve("changes-" + rows + "-" + changes + ".csv");
    writeChanges(base, delta, rows, changes);
    System.out.printf(
        "table %,d rows, change set %,d rows (half updates); %d cores, heap %,d MB%n",
        rows,
        changes,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);

    long expected = rows + changes / 2;
    // e.g. "copy-on-write" alone under a profiler; "copy-on-write:row-rewrite" is copy-on-write
    // through Iceberg's row-by-row reader and writer, the path before the Arrow rewrite
    String[] modes = (args.length > 4 ? args[4] : "merge-on-read,copy-on-write").split(",");
    double[] warmUp = tidewater(work.resolve("merge-warm-up"), base, delta, modes[0], expected);
    System.out.printf(Locale.ROOT, "warm-up: tidewater %s %.2f s%n", modes[0], warmUp[0]);
    List<Double> duck = new ArrayList<>();
    List<List<Double>> merges = new ArrayList<>();
    List<List<Double>> aggregates = new ArrayList<>();
    for (int m = 0; m < modes.length; m++) {
      merges.add(new ArrayList<>());
      aggregates.add(new ArrayList<>());
    }
    for (int run = 1; run <= runs; run++) {
      double[] duckRun = duckdb(work, base, delta);
      duck.add(duckRun[0]);
      StringBuilder line = new StringBuilder();
      for (int m = 0; m < modes.length; m++) {
        double[] tide =
            tidewater(work.resolve("merge-" + modes[m]), base, delta, modes[m], expected);
        merges.get(m).add(tide[0]);
        aggregates.get(m).add(tide[1]);
        line.append(
            String.format(Locale.ROOT, ", %s %.2f s (cpu %.2f s)", modes[m], tide[0], tide[2]));
      }
      System.out.printf(
          Locale.ROOT, "run %d: duckdb %.2f s (cpu %.2f s)%s%n", run, duckRun[0], duckRun[1], line);
    }
    double duckMedian = median(duck);
    for (int m = 0; m < modes.length; m++) {
      double merge = median(merges.get(m));
      System.out.printf(
          Locale.ROOT,
          "RESULT mode=%s tidewater_merge_s=%.2f duckdb_merge_s=%.2f ratio=%.2f"
              + " tidewater_aggregate_after_merge_s=%.2f (medians of %d runs)%n",
          modes[m],
          merge,
          duckMedian,
          merge / duckMedian,
          median(aggregates.get(m)),
          runs);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Half of the rows update random existing keys, half insert new keys. */
  static void writeChanges(Path base, Path delta, long rows, int changes) throws Exception {
    if (Files.exists(delta)) {
      return;
    }
    SplittableRandom random = new SplittableRandom(7);
    java.util.BitSet chosen = new java.util.BitSet((int) rows + 1);
    int updates = changes / 2;
    while (chosen.cardinality() < updates) {
      chosen.set((int) random.nextLong(1, rows + 1));
    }
    try (BufferedReader in = Files.newBufferedReader(base, StandardCharsets.UTF_8);
        BufferedWriter out = Files.newBufferedWriter(delta, StandardCharsets.UTF_8)) {
      out.write(in.readLine());
      out.write('\n');
      String line;
      while ((line = in.readLine()) != null) {
        int comma = line.indexOf(',');
        long id = Long.parseLong(line.substring(0, comma));
        if (chosen.get((int) id)) {
          // The same row with a new status: an update.
          out.write(line.replaceFirst(",(new|paid|shipped|void|returned),", ",updated,"));
          out.write('\n');
        }
      }
      String[] fields = CsvGenerator.HEADER.split(",");
      for (long id = rows + 1; id <= rows + (changes - updates); id++) {
        out.write(
            id + ",42,1,9.5,0.1,12.34,2.46,2024-06-01 00:00:00,2024-06-01 00:00:00,new,DE,web,n");
        out.write('\n');
      }
      if (fields.length != 13) {
        throw new IllegalStateException("the generator's header changed");
      }
    }
  }

  private static double[] tidewater(Path dataDir, Path base, Path delta, String mode, long expected)
      throws Exception {
    LoadBenchmark.deleteRecursively(dataDir);
    boolean rowRewrite = mode.endsWith(":row-rewrite");
    String mergeMode = rowRewrite ? mode.substring(0, mode.indexOf(':')) : mode;
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    try (Tidewater tidewater = Tidewater.start(config, System::getenv);
        Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
      run(session, allocator, "CREATE SOURCE base TYPE FILES WITH (location = '" + base + "')");
      run(session, allocator, "CREATE SOURCE delta TYPE FILES WITH (location = '" + delta + "')");
      run(session, allocator, "LOAD base INTO bench.orders WITH DISPOSITION APPEND");
      if (rowRewrite) {
        System.setProperty("tidewater.merge.row-rewrite", "true");
      }
      long cpu = cpuNanos();
      long start = System.nanoTime();
      run(
          session,
          allocator,
          "LOAD delta INTO bench.orders WITH DISPOSITION MERGE ON (id) WITH (merge_mode = '"
              + mergeMode
              + "')");
      double merge = (System.nanoTime() - start) / 1e9;
      double mergeCpu = (cpuNanos() - cpu) / 1e9;
      System.clearProperty("tidewater.merge.row-rewrite");
      start = System.nanoTime();
      long count;
      try (ExecutionResult result =
          session.execute(
              "SELECT count(*), sum(amount), count(*) FILTER (WHERE status = 'updated')"
                  + " FROM bench.orders",
              allocator)) {
        result.rows().next();
        count = (Long) result.rows().root().getVector(0).getObject(0);
      }
      double aggregate = (System.nanoTime() - start) / 1e9;
      if (count != expected) {
        throw new IllegalStateException("the table has " + count + " rows, not " + expected);
      }
      return new double[] {merge, aggregate, mergeCpu};
    } finally {
      LoadBenchmark.deleteRecursively(dataDir);
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

  /**
   * The CPU time of the whole process (every thread, DuckDB's native ones included): on a shared
   * machine it moves much less with the other load than the wall-clock time does.
   */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double[] duckdb(Path work, Path base, Path delta) throws Exception {
    Path database = work.resolve("merge.duckdb");
    Files.deleteIfExists(database);
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE orders AS SELECT * FROM read_csv('" + base + "', header = true)");
      statement.execute("CHECKPOINT");
      long cpu = cpuNanos();
      long start = System.nanoTime();
      statement.execute(
          "MERGE INTO orders USING (SELECT * FROM read_csv('"
              + delta
              + "', header = true)) AS changes ON (changes.id = orders.id)"
              + " WHEN MATCHED THEN UPDATE WHEN NOT MATCHED THEN INSERT");
      statement.execute("CHECKPOINT");
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (cpuNanos() - cpu) / 1e9;
      try (ResultSet check = statement.executeQuery("SELECT count(*) FROM orders")) {
        check.next();
        if (check.getLong(1) <= 0) {
          throw new IllegalStateException("DuckDB's table is empty after the merge");
        }
      }
      return new double[] {seconds, cpuSeconds};
    } finally {
      Files.deleteIfExists(database);
      Files.deleteIfExists(work.resolve("merge.duckdb.wal"));
    }
  }
}
