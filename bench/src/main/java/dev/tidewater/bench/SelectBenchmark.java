package dev.tidewater.bench;

import dev.tidewater.flight.EndpointConfig;
import dev.tidewater.flight.FlightEndpoint;
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
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The {@code SELECT *} streaming benchmark of docs/benchmarks.md: a table of the benchmark's 13
 * columns, bulk-ingested by the benchmark from {@link ArrowGenerator}'s batches, read whole by a
 * server in this process through
 *
 * <ul>
 *   <li>the Flight SQL JDBC driver, every column of every row read with the getter of its type
 *       ({@code getLong}, {@code getString}, ...);
 *   <li>the same, but timestamps read as {@code LocalDateTime} ({@code getObject(i,
 *       LocalDateTime.class)}, JDBC 4.2) rather than {@code java.sql.Timestamp};
 *   <li>the same driver, every column of every row read with {@code getObject};
 *   <li>the same driver, only {@code next()} (the driver's row cursor without value conversion);
 *   <li>Arrow's {@code FlightSqlClient}: the Arrow batches, no row conversion, every vector touched
 *       once (its value count and buffers).
 * </ul>
 *
 * <p>Usage: {@code bench/run-select [rows] [runs] [work-dir]} (defaults 5,000,000 rows, 3 runs each
 * after one warm-up; the figures are medians). The table is kept in the work directory for the next
 * run.
 */
public final class SelectBenchmark {
  private static final String QUERY = "SELECT * FROM iceberg.bench.orders";

  private SelectBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    Path arrow = work.resolve("orders-" + rows + ".arrows");
    ArrowGenerator.generate(arrow, rows);
    Path dataDir = work.resolve("select-" + rows);
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    Map<String, String> environment =
        Map.of(
            "TIDEWATER_USER", IngestBenchmark.USER, "TIDEWATER_PASSWORD", IngestBenchmark.PASSWORD);
    Users users = Users.from(config, environment::get, message -> {});
    System.out.printf(
        "table of %,d rows, 13 columns; JVM max heap %,d MB; %d cores%n",
        rows, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
    try (Tidewater server = Tidewater.start(config, environment::get);
        FlightEndpoint endpoint =
            FlightEndpoint.start(
                new PlannerGateway(server.engine(), users, Tidewater.redactor()),
                server.allocator(),
                EndpointConfig.plaintext("127.0.0.1", 0));
        IngestBenchmark.Client client = new IngestBenchmark.Client(endpoint.port())) {
      Path loaded = dataDir.resolve("loaded");
      if (!Files.exists(loaded)) {
        double seconds = client.ingestKept(arrow, "orders", rows, IngestBenchmark.Sender.POLLING);
        System.out.printf(Locale.ROOT, "loaded the table by bulk ingest in %.2f s%n", seconds);
        Files.writeString(loaded, "ok\n");
      }
      Properties properties = new Properties();
      properties.setProperty("user", IngestBenchmark.USER);
      properties.setProperty("password", IngestBenchmark.PASSWORD);
      String url = "jdbc:arrow-flight-sql://localhost:" + endpoint.port() + "/?useEncryption=false";
      Map<String, Callable<Long>> readers = new LinkedHashMap<>();
      try (Connection connection = DriverManager.getConnection(url, properties);
          Statement statement = connection.createStatement()) {
        readers.put("jdbc_typed_getters", () -> jdbc(statement, Values.TYPED));
        readers.put("jdbc_typed_java_time", () -> jdbc(statement, Values.TYPED_JAVA_TIME));
        readers.put("jdbc_getobject", () -> jdbc(statement, Values.GET_OBJECT));
        readers.put("jdbc_next_only", () -> jdbc(statement, Values.NONE));
        readers.put("flight_sql_client", () -> flight(client));
        String only = System.getProperty("tidewater.bench.readers");
        if (only != null) {
          readers.keySet().retainAll(List.of(only.split(",")));
        }
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        // The process's CPU time per read (client and server): steadier than wall time when
        // other work shares the machine.
        Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
        for (Map.Entry<String, Callable<Long>> reader : readers.entrySet()) {
          long count = reader.getValue().call();
          check(count, rows);
          seconds.put(reader.getKey(), new ArrayList<>());
          cpuSeconds.put(reader.getKey(), new ArrayList<>());
        }
        // Round-robin, so that no reader always meets the quieter moments of a shared machine.
        for (int run = 1; run <= runs; run++) {
          StringBuilder line = new StringBuilder("run " + run + ":");
          for (Map.Entry<String, Callable<Long>> reader : readers.entrySet()) {
            long start = System.nanoTime();
            long cpuStart = IngestBenchmark.processCpuNanos();
            long count = reader.getValue().call();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (IngestBenchmark.processCpuNanos() - cpuStart) / 1e9;
            check(count, rows);
            seconds.get(reader.getKey()).add(elapsed);
            cpuSeconds.get(reader.getKey()).add(cpu);
            line.append(
                String.format(
                    Locale.ROOT,
                    " %s %.2f s (%,.0f rows/s, cpu %.2f s)",
                    reader.getKey(),
                    elapsed,
                    rows / elapsed,
                    cpu));
          }
          System.out.println(line);
        }
        for (Map.Entry<String, List<Double>> each : seconds.entrySet()) {
          double median = LoadBenchmark.median(each.getValue());
          System.out.printf(
              Locale.ROOT,
              "RESULT reader=%s rows=%d median_s=%.2f rows_per_s=%.0f cpu_median_s=%.2f"
                  + " (median of %d runs)%n",
              each.getKey(),
              rows,
              median,
              rows / median,
              LoadBenchmark.median(cpuSeconds.get(each.getKey())),
              runs);
        }
      }
    }
  }

  private static void check(long count, long rows) {
    if (count != rows) {
      throw new IllegalStateException("SELECT * answered " + count + " rows, not " + rows);
    }
  }

  /** How the JDBC reader reads the values of each row. */
  private enum Values {
    /** Only {@code next()}: the driver's row cursor, no value read. */
    NONE,
    /** {@code getObject(i)} for every column, as generic tools (DBeaver) read. */
    GET_OBJECT,
    /**
     * The getter of each column's type: {@code getLong}, {@code getInt}, {@code getDouble}, {@code
     * getBigDecimal}, {@code getTimestamp}, {@code getString}, as typed application code reads.
     */
    TYPED,
    /**
     * As {@link #TYPED}, but timestamps through JDBC 4.2's {@code getObject(i,
     * LocalDateTime.class)} instead of {@code java.sql.Timestamp}.
     */
    TYPED_JAVA_TIME
  }

  /** Reads every row and, as {@code values} says, every column of every row. */
  private static long jdbc(Statement statement, Values values) throws Exception {
    long count = 0;
    long checksum = 0;
    try (ResultSet result = statement.executeQuery(QUERY)) {
      ResultSetMetaData meta = result.getMetaData();
      int columns = meta.getColumnCount();
      int[] types = new int[columns + 1];
      for (int i = 1; i <= columns; i++) {
        types[i] = meta.getColumnType(i);
      }
      while (result.next()) {
        switch (values) {
          case NONE -> {}
          case GET_OBJECT -> {
            for (int i = 1; i <= columns; i++) {
              if (result.getObject(i) != null) {
                checksum++;
              }
            }
          }
          case TYPED, TYPED_JAVA_TIME -> {
            boolean javaTime = values == Values.TYPED_JAVA_TIME;
            for (int i = 1; i <= columns; i++) {
              checksum += typed(result, i, types[i], javaTime);
            }
          }
        }
        count++;
      }
    }
    if (values != Values.NONE && checksum == 0 && count > 0) {
      throw new IllegalStateException("the result held no values");
    }
    return count;
  }

  /** Reads column {@code i} with the getter of its JDBC type; answers something of the value. */
  private static long typed(ResultSet result, int i, int type, boolean javaTime) throws Exception {
    switch (type) {
      case Types.BIGINT:
        return result.getLong(i);
      case Types.INTEGER:
        return result.getInt(i);
      case Types.DOUBLE:
        return (long) result.getDouble(i);
      case Types.DECIMAL:
      case Types.NUMERIC:
        BigDecimal decimal = result.getBigDecimal(i);
        return decimal == null ? 0 : decimal.signum();
      case Types.TIMESTAMP:
        if (javaTime) {
          LocalDateTime local = result.getObject(i, LocalDateTime.class);
          return local == null ? 0 : local.getNano();
        }
        Timestamp timestamp = result.getTimestamp(i);
        return timestamp == null ? 0 : timestamp.getNanos();
      default:
        String text = result.getString(i);
        return text == null ? 0 : text.length();
    }
  }

  /** Reads the result's Arrow batches with Arrow's Flight SQL client. */
  private static long flight(IngestBenchmark.Client client) throws Exception {
    long count = 0;
    long bytes = 0;
    FlightInfo info = client.sql.execute(QUERY, client.bearer);
    for (org.apache.arrow.flight.FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = client.sql.getStream(endpoint.getTicket(), client.bearer)) {
        while (stream.next()) {
          VectorSchemaRoot root = stream.getRoot();
          for (FieldVector vector : root.getFieldVectors()) {
            bytes += vector.getBufferSize();
          }
          count += root.getRowCount();
        }
      }
    }
    if (bytes == 0 && count > 0) {
      throw new IllegalStateException("the batches held no data");
    }
    return count;
  }
}
