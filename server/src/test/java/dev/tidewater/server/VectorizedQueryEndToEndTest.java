package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.IcebergScans;
import dev.tidewater.planner.query.ScanMetrics;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vectorized query path (Arrow batches from Parquet with deletes applied per batch, vectorized
 * filters and aggregates) answers every query exactly as Calcite's row-by-row plan over Iceberg's
 * generic reader does, through the Flight SQL JDBC driver. The tables mix nulls, decimals, doubles,
 * timestamps, dates and booleans, and have been merged into: position deletes on a format 2 table,
 * deletion vectors on a format 3 table. Each query runs once on each path; the row-by-row path is
 * {@code -Dtidewater.query.row-by-row=true}, switched on in this JVM for the second run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorizedQueryEndToEndTest {
  private static final int ROWS = 6_000;
  private static final String[] VENDORS = {"acme", "bolt", "cyan", "dune"};
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private TidewaterServerFixture server;
  private Connection connection;
  private long firstSnapshot;

  @BeforeAll
  void loadTables(@TempDir Path temp) throws Exception {
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    Path trips = temp.resolve("trips.csv");
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE trips TYPE FILES WITH (location = '" + trips + "')");
      for (String table : List.of("vq.trips2", "vq.trips3")) {
        String version = table.endsWith("3") ? "3" : "2";
        Files.writeString(trips, csv(new Random(7), 0, ROWS / 2, 0));
        statement.execute(
            "LOAD trips INTO iceberg."
                + table
                + " WITH DISPOSITION APPEND WITH (format_version = '"
                + version
                + "')");
        if (table.endsWith("2")) {
          firstSnapshot = snapshot(statement, table);
        }
        Files.writeString(trips, csv(new Random(8), ROWS / 2, ROWS, 0));
        statement.execute("LOAD trips INTO iceberg." + table + " WITH DISPOSITION APPEND");
        // Updates a stripe of rows in both files and deletes others: deletes in place.
        Files.writeString(trips, csv(new Random(9), 1_000, 4_000, 3));
        statement.execute(
            "LOAD trips INTO iceberg."
                + table
                + " WITH DISPOSITION MERGE ON (trip_id) DELETE WHEN qty = 13");
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      connection.close();
    } finally {
      server.close();
    }
  }

  static Stream<String> queries() {
    List<String> queries = new ArrayList<>();
    for (String t : List.of("vq.trips2", "vq.trips3")) {
      queries.add("SELECT count(*) FROM " + t);
      queries.add("SELECT count(qty), count(vendor), count(*) FROM " + t);
      queries.add(
          "SELECT vendor, count(*), sum(total), avg(fare), min(ts), max(trip_day), sum(qty) FROM "
              + t
              + " GROUP BY vendor ORDER BY vendor");
      queries.add("SELECT paid, max(total), min(fare), avg(qty) FROM " + t + " GROUP BY paid");
      // the key read as dictionary ids under a filter on another column; then read as values
      queries.add("SELECT vendor, count(*), sum(qty) FROM " + t + " WHERE paid GROUP BY vendor");
      queries.add("SELECT vendor, count(*) FROM " + t + " WHERE vendor <> 'bolt' GROUP BY vendor");
      queries.add("SELECT vendor, min(vendor), count(fare) FROM " + t + " GROUP BY vendor");
      queries.add("SELECT count(*), sum(total) FROM " + t + " WHERE trip_id BETWEEN 900 AND 1200");
      queries.add("SELECT * FROM " + t + " WHERE trip_id BETWEEN 2990 AND 3010");
      queries.add("SELECT trip_id, vendor FROM " + t + " WHERE vendor IS NULL");
      queries.add("SELECT trip_id, total FROM " + t + " WHERE total > 990 AND paid");
      queries.add(
          "SELECT trip_id, ts FROM " + t + " WHERE ts >= TIMESTAMP '2026-03-01 00:00:00' LIMIT 5");
      queries.add("SELECT trip_id FROM " + t + " WHERE ts < TIMESTAMP '2026-01-03 00:00:00'");
      queries.add("SELECT trip_id FROM " + t + " WHERE trip_id > 5990 LIMIT 5");
      queries.add("SELECT * FROM " + t + " WHERE trip_id < 0");
      queries.add("SELECT count(*), sum(fare), min(trip_day) FROM " + t + " WHERE qty IS NULL");
      queries.add("SELECT vendor, qty FROM " + t + " WHERE vendor LIKE 'b%' AND qty IN (1, 2, 3)");
      queries.add("SELECT * FROM " + t);
    }
    queries.add("SELECT count(*), sum(total) FROM vq.trips2 FOR VERSION AS OF ${first}");
    queries.add(
        "SELECT vendor, count(*) FROM vq.trips2 FOR VERSION AS OF ${first} GROUP BY vendor");
    return queries.stream();
  }

  @ParameterizedTest
  @MethodSource("queries")
  void vectorizedAnswersEqualRowByRowAnswers(String template) throws Exception {
    String sql = template.replace("${first}", Long.toString(firstSnapshot));
    ScanMetrics metrics = server.tidewater().engine().scanMetrics();
    ScanMetrics.Read lastBefore = last(metrics);
    List<List<Object>> vectorized = normalized(sql);
    // A scan reports what it read when the server closes it, after the client has its rows.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (last(metrics) == lastBefore && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    boolean ranVectorized = last(metrics) != lastBefore;
    List<List<Object>> rowByRow;
    System.setProperty(IcebergScans.ROW_BY_ROW_PROPERTY, "true");
    try {
      rowByRow = normalized(sql);
    } finally {
      System.clearProperty(IcebergScans.ROW_BY_ROW_PROPERTY);
    }
    assertThat(ranVectorized).as("ran on the vectorized path: %s", sql).isTrue();
    if (sql.contains(" LIMIT ")) {
      // Which rows a LIMIT without ORDER BY keeps is free; each must match the filter.
      assertThat(vectorized).hasSameSizeAs(rowByRow);
      assertThat(all(sql.replace(" LIMIT 5", ""))).containsAll(vectorized);
    } else {
      assertThat(vectorized).as(sql).isEqualTo(rowByRow);
    }
  }

  private static ScanMetrics.Read last(ScanMetrics metrics) {
    List<ScanMetrics.Read> reads = metrics.recentReads();
    return reads.isEmpty() ? null : reads.get(reads.size() - 1);
  }

  private List<List<Object>> all(String sql) throws SQLException {
    System.setProperty(IcebergScans.ROW_BY_ROW_PROPERTY, "true");
    try {
      return normalized(sql);
    } finally {
      System.clearProperty(IcebergScans.ROW_BY_ROW_PROPERTY);
    }
  }

  /** The query's rows, values made comparable, in order when it orders, else sorted. */
  private List<List<Object>> normalized(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      List<List<Object>> rows = new ArrayList<>();
      for (List<Object> row : rows(statement.executeQuery(sql))) {
        List<Object> values = new ArrayList<>();
        for (Object value : row) {
          values.add(comparable(value));
        }
        rows.add(values);
      }
      if (!sql.contains("ORDER BY")) {
        rows.sort(Comparator.comparing(Object::toString));
      }
      return rows;
    }
  }

  private static Object comparable(Object value) {
    if (value instanceof Double d) {
      // Sums of doubles may differ in the last bits with the order of addition.
      return BigDecimal.valueOf(d).round(new java.math.MathContext(12)).stripTrailingZeros();
    }
    if (value instanceof Float f) {
      return comparable(f.doubleValue());
    }
    if (value instanceof BigDecimal d) {
      return d.stripTrailingZeros();
    }
    if (value instanceof Number n && !(value instanceof BigDecimal)) {
      return n.longValue();
    }
    return value == null ? "<null>" : value.toString();
  }

  private static long snapshot(Statement statement, String table) throws SQLException {
    List<List<Object>> rows =
        rows(
            statement.executeQuery(
                "SELECT snapshot_id FROM system.loads WHERE target = 'iceberg."
                    + table
                    + "' ORDER BY started_at DESC LIMIT 1"));
    return ((Number) rows.get(0).get(0)).longValue();
  }

  /**
   * Rows {@code from} until {@code to} of the trips table: every column has nulls; {@code qty} 13
   * marks rows a MERGE deletes when {@code deletes} is not 0.
   */
  private static String csv(Random random, int from, int to, int deletes) {
    StringBuilder csv = new StringBuilder("trip_id,vendor,total,fare,qty,paid,ts,trip_day\n");
    LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
    for (int id = from; id < to; id++) {
      if (deletes > 0 && id % 7 == 0) {
        csv.append(id).append(",acme,1.00,1.0,13,true,2026-01-01 00:00:00,2026-01-01\n");
        continue;
      }
      csv.append(id).append(',');
      csv.append(random.nextInt(20) == 0 ? "" : VENDORS[random.nextInt(VENDORS.length)]);
      csv.append(',');
      csv.append(
          random.nextInt(25) == 0
              ? ""
              : BigDecimal.valueOf(random.nextInt(100_000), 2).toPlainString());
      csv.append(',');
      csv.append(random.nextInt(25) == 0 ? "" : Double.toString(random.nextInt(10_000) / 8.0));
      csv.append(',');
      csv.append(random.nextInt(10) == 0 ? "" : Integer.toString(1 + random.nextInt(12)));
      csv.append(',');
      csv.append(random.nextBoolean());
      csv.append(',');
      csv.append(start.plusMinutes(random.nextInt(200_000)).format(TIMESTAMP));
      csv.append(',');
      csv.append(LocalDate.of(2026, 1, 1).plusDays(random.nextInt(300)));
      csv.append('\n');
    }
    return csv.toString();
  }
}
