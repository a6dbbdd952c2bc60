package dev.tidewater.bench;

import dev.tidewater.flight.EndpointConfig;
import dev.tidewater.flight.FlightEndpoint;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.planner.query.ScanMetrics;
import dev.tidewater.server.PlannerGateway;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import dev.tidewater.server.Users;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The query benchmark of docs/benchmarks.md: the merge benchmark's table (rows loaded, then a
 * merge-on-read MERGE of a change set, so position deletes are in place), queried through the
 * Flight SQL JDBC driver against a server in this process; in the same run DuckDB over the same
 * Parquet data files ({@code read_parquet}, without the deletes) and Iceberg's own generic reader
 * ({@code IcebergGenerics}) in process.
 *
 * <p>Usage: {@code bench/run-query [rows] [changes] [work-dir] [runs]} (defaults 5,000,000,
 * 500,000, bench-data and 5). Each query runs once to warm up, then {@code runs} times; the figures
 * are medians. The loaded table is kept in the work directory for the next run.
 */
public final class QueryBenchmark {
  private static final String USER = "bench";
  private static final String PASSWORD = "bench-Pa55word";

  private QueryBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Path base = work.resolve("orders-" + rows + ".csv");
    CsvGenerator.generate(base, rows);
    Path delta = work.resolve("changes-" + rows + "-" + changes + ".csv");
    MergeBenchmark.writeChanges(base, delta, rows, changes);
    Path dataDir = work.resolve("query-" + rows + "-" + changes);
    long low = rows / 2;
    long high = low + 9_999;
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("count", "SELECT count(*) FROM bench.orders");
    queries.put(
        "group_by",
        "SELECT status, count(*), sum(amount), avg(price) FROM bench.orders GROUP BY status");
    queries.put("filter", "SELECT * FROM bench.orders WHERE id BETWEEN " + low + " AND " + high);
    queries.put("select_star", "SELECT * FROM bench.orders");

    System.out.printf(
        "table %,d rows + merge of %,d (merge-on-read); %d cores, heap %,d MB, vectorized=%s%n",
        rows,
        changes,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        !Boolean.getBoolean("tidewater.query.row-by-row"));
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    Map<String, String> environment =
        Map.of("TIDEWATER_USER", USER, "TIDEWATER_PASSWORD", PASSWORD);
    Users users = Users.from(config, environment::get, message -> {});
    try (Tidewater tidewater = Tidewater.start(config, environment::get);
        FlightEndpoint endpoint =
            FlightEndpoint.start(
                new PlannerGateway(tidewater.engine(), users, Tidewater.redactor()),
                tidewater.allocator(),
                EndpointConfig.plaintext("127.0.0.1", 0))) {
      Path loaded = dataDir.resolve("loaded");
      if (!Files.exists(loaded)) {
        load(tidewater, base, delta);
        Files.writeString(loaded, "ok\n");
      }
      Table table =
          tidewater
              .engine()
              .catalogs()
              .catalog("iceberg")
              .loadTable(TableIdentifier.of("bench", "orders"));
      Map<String, Double> tide = new LinkedHashMap<>();
      Map<String, String> reads = new LinkedHashMap<>();
      Properties properties = new Properties();
      properties.setProperty("user", USER);
      properties.setProperty("password", PASSWORD);
      String url = "jdbc:arrow-flight-sql://localhost:" + endpoint.port() + "/?useEncryption=false";
      try (Connection connection = DriverManager.getConnection(url, properties);
          Statement statement = connection.createStatement()) {
        for (Map.Entry<String, String> query : queries.entrySet()) {
          tide.put(query.getKey(), time(runs, () -> drain(statement, query.getValue())));
          reads.put(query.getKey(), lastRead(tidewater));
        }
      }
      Map<String, Double> duck = duckdb(table, queries, runs);
      Map<String, Double> generic = generics(table, low, high, runs);
      for (String name : queries.keySet()) {
        System.out.printf(
            Locale.ROOT,
            "RESULT query=%s tidewater_jdbc_s=%.3f duckdb_s=%.3f ratio=%.1f"
                + " iceberg_generics_s=%.3f (medians of %d runs)%n",
            name,
            tide.get(name),
            duck.get(name),
            tide.get(name) / duck.get(name),
            generic.get(name),
            runs);
        System.out.printf(Locale.ROOT, "READ query=%s %s%n", name, reads.get(name));
      }
    }
  }

  /**
   * What the last vectorized scan read (files, row groups read and skipped, bytes), once the server
   * has closed it.
   */
  private static String lastRead(Tidewater tidewater) throws InterruptedException {
    Thread.sleep(200);
    List<ScanMetrics.Read> reads = tidewater.engine().scanMetrics().recentReads();
    if (reads.isEmpty()) {
      return "vectorized=false";
    }
    ScanMetrics.Read read = reads.get(reads.size() - 1);
    return String.format(
        Locale.ROOT,
        "files=%d row_groups_read=%d row_groups_skipped=%d bytes_read=%d rows_read=%d"
            + " rows_deleted=%d",
        read.files(),
        read.rowGroupsRead(),
        read.rowGroupsSkipped(),
        read.bytesRead(),
        read.rowsRead(),
        read.rowsDeleted());
  }

  private static void load(Tidewater tidewater, Path base, Path delta) {
    try (Session session = tidewater.engine().openSession("bench");
        BufferAllocator allocator =
            tidewater.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE)) {
      run(session, allocator, "CREATE SOURCE base TYPE FILES WITH (location = '" + base + "')");
      run(session, allocator, "CREATE SOURCE delta TYPE FILES WITH (location = '" + delta + "')");
      run(session, allocator, "LOAD base INTO bench.orders WITH DISPOSITION APPEND");
      run(
          session,
          allocator,
          "LOAD delta INTO bench.orders WITH DISPOSITION MERGE ON (id)"
              + " WITH (merge_mode = 'merge-on-read')");
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

  /** Runs a query and reads every value of every row; answers the number of rows. */
  private static long drain(Statement statement, String sql) throws Exception {
    long rows = 0;
    try (ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        for (int i = 1; i <= columns; i++) {
          result.getObject(i);
        }
        rows++;
      }
    }
    return rows;
  }

  private static double time(int runs, Callable<Long> query) throws Exception {
    query.call();
    List<Double> seconds = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      long start = System.nanoTime();
      query.call();
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    java.util.Collections.sort(seconds);
    return seconds.get(seconds.size() / 2);
  }

  private static Map<String, Double> duckdb(Table table, Map<String, String> queries, int runs)
      throws Exception {
    StringBuilder files = new StringBuilder();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        files.append(files.isEmpty() ? "" : ", ").append('\'').append(file.location()).append('\'');
      }
    }
    Map<String, Double> seconds = new HashMap<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA bench");
      statement.execute("CREATE VIEW bench.orders AS SELECT * FROM read_parquet([" + files + "])");
      for (Map.Entry<String, String> query : queries.entrySet()) {
        seconds.put(query.getKey(), time(runs, () -> drain(statement, query.getValue())));
      }
    }
    return seconds;
  }

  /** The same queries through Iceberg's generic reader, the aggregation done by hand. */
  private static Map<String, Double> generics(Table table, long low, long high, int runs)
      throws Exception {
    Map<String, Double> seconds = new HashMap<>();
    seconds.put(
        "count",
        time(
            runs,
            () -> {
              long count = 0;
              try (CloseableIterable<Record> records =
                  IcebergGenerics.read(table).select("id").build()) {
                for (Record ignored : records) {
                  count++;
                }
              }
              return count;
            }));
    seconds.put(
        "group_by",
        time(
            runs,
            () -> {
              Map<String, Object[]> groups = new HashMap<>();
              try (CloseableIterable<Record> records =
                  IcebergGenerics.read(table).select("status", "amount", "price").build()) {
                for (Record record : records) {
                  Object[] group =
                      groups.computeIfAbsent(
                          (String) record.getField("status"),
                          key -> new Object[] {0L, BigDecimal.ZERO, 0.0, 0L});
                  group[0] = (Long) group[0] + 1;
                  BigDecimal amount = (BigDecimal) record.getField("amount");
                  if (amount != null) {
                    group[1] = ((BigDecimal) group[1]).add(amount);
                  }
                  Double price = (Double) record.getField("price");
                  if (price != null) {
                    group[2] = (Double) group[2] + price;
                    group[3] = (Long) group[3] + 1;
                  }
                }
              }
              return (long) groups.size();
            }));
    seconds.put(
        "filter",
        time(
            runs,
            () -> {
              long count = 0;
              try (CloseableIterable<Record> records =
                  IcebergGenerics.read(table)
                      .where(
                          Expressions.and(
                              Expressions.greaterThanOrEqual("id", low),
                              Expressions.lessThanOrEqual("id", high)))
                      .build()) {
                for (Record ignored : records) {
                  count++;
                }
              }
              return count;
            }));
    seconds.put(
        "select_star",
        time(
            runs,
            () -> {
              long count = 0;
              try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
                for (Record record : records) {
                  for (int i = 0; i < record.size(); i++) {
                    record.get(i);
                  }
                  count++;
                }
              }
              return count;
            }));
    return seconds;
  }
}
