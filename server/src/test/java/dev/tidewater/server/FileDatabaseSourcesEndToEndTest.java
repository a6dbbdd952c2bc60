package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DuckDB file and a SQLite file as JDBC sources, as a user meets them over the Flight SQL JDBC
 * driver: browse, describe, query with a limit, load incrementally twice (the second load reads
 * only the new rows), read back with Iceberg's own reader.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDatabaseSourcesEndToEndTest {
  private Path temp;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path directory) throws Exception {
    temp = directory;
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
  }

  @AfterAll
  void stop() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void duckDbFile() throws Exception {
    String url = "jdbc:duckdb:" + temp.resolve("shop.duckdb");
    database(
        url,
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(10,2), status VARCHAR,"
            + " updated_at TIMESTAMP NOT NULL)",
        "INSERT INTO orders SELECT i, i + 0.25, CASE WHEN i % 2 = 0 THEN 'paid' ELSE 'new' END,"
            + " TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL 1 MINUTE FROM range(1, 51) t(i)");
    execute("CREATE SOURCE duck TYPE JDBC WITH (url = '" + url + "')");
    assertThat(query("SHOW TABLES IN duck")).contains(List.of("duck", "main", "orders"));
    assertThat(query("DESCRIBE SOURCE duck.main.orders"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly(
            "id BIGINT", "amount DECIMAL(10, 2)", "status VARCHAR", "updated_at TIMESTAMP");
    assertThat(
            query(
                "SELECT id, amount FROM duck.main.orders WHERE status = 'paid' ORDER BY id LIMIT"
                    + " 2"))
        .containsExactly(List.of(2L, new BigDecimal("2.25")), List.of(4L, new BigDecimal("4.25")));
    incrementalLoadsTakeOnlyTheNewRows(
        "duck.main.orders",
        "files_duck",
        url,
        "INSERT INTO orders VALUES (51, 51.25, 'new', TIMESTAMP '2024-02-01 00:00:00'),"
            + " (52, 52.25, 'paid', TIMESTAMP '2024-02-01 00:00:01')");
  }

  @Test
  void sqliteFile() throws Exception {
    String url = "jdbc:sqlite:" + temp.resolve("shop.db");
    StringBuilder insert = new StringBuilder("INSERT INTO orders VALUES ");
    for (int i = 1; i <= 50; i++) {
      insert
          .append(i == 1 ? "" : ", ")
          .append(
              String.format(
                  "(%d, %d.25, '%s', %d)", i, i, i % 2 == 0 ? "paid" : "new", 1_000_000 + i));
    }
    // SQLite has no timestamp type: the cursor is an integer (epoch seconds, say).
    database(
        url,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, status TEXT,"
            + " updated_at INTEGER NOT NULL)",
        insert.toString());
    execute("CREATE SOURCE lite TYPE JDBC WITH (url = '" + url + "')");
    assertThat(query("SHOW TABLES IN lite")).contains(List.of("lite", "", "orders"));
    assertThat(query("DESCRIBE SOURCE lite.orders"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly("id BIGINT", "amount DOUBLE", "status VARCHAR", "updated_at BIGINT");
    assertThat(
            query("SELECT id, amount FROM lite.orders WHERE status = 'paid' ORDER BY id LIMIT 2"))
        .containsExactly(List.of(2L, 2.25), List.of(4L, 4.25));
    incrementalLoadsTakeOnlyTheNewRows(
        "lite.orders",
        "files_lite",
        url,
        "INSERT INTO orders VALUES (51, 51.25, 'new', 2000000), (52, 52.25, 'paid', 2000001)");
    // A table that is not there is named; the server keeps serving.
    assertThatThrownBy(() -> query("SELECT * FROM lite.nothing"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("nothing");
    assertThat(query("SELECT count(*) FROM lite.orders")).containsExactly(List.of(52L));
  }

  /**
   * A source named like a namespace of the current catalog: the source wins for the short name (the
   * user created it by that name), the namespace stays reachable by its full name.
   */
  @Test
  void sourceNamedLikeANamespace() throws Exception {
    String url = "jdbc:sqlite:" + temp.resolve("clash.db");
    database(
        url,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT)",
        "INSERT INTO orders VALUES (1, 'new'), (2, 'paid'), (3, 'paid')");
    execute("CREATE SOURCE seed TYPE JDBC WITH (url = '" + url + "')");
    assertThat(single("LOAD seed.orders INTO iceberg.clash.orders WITH DISPOSITION APPEND").get(2))
        .isEqualTo(3L);
    database(url, "INSERT INTO orders VALUES (4, 'new')");
    execute("CREATE SOURCE clash TYPE JDBC WITH (url = '" + url + "')");
    assertThat(query("SELECT count(*) FROM clash.orders")).containsExactly(List.of(4L));
    assertThat(query("SELECT count(*) FROM iceberg.clash.orders")).containsExactly(List.of(3L));
    assertThat(query("SHOW TABLES IN clash")).contains(List.of("clash", "", "orders"));
    assertThat(single("LOAD clash.orders INTO iceberg.clash.copy WITH DISPOSITION APPEND").get(2))
        .isEqualTo(4L);
    assertThat(explain("LOAD clash.orders INTO iceberg.clash.copy WITH DISPOSITION APPEND"))
        .contains("JDBC source 'clash'");
    assertThat(query("SELECT count(*) FROM iceberg.clash.copy")).containsExactly(List.of(4L));
    assertThatThrownBy(() -> execute("CREATE SOURCE iceberg TYPE JDBC WITH (url = '" + url + "')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("names a catalog");
  }

  private void incrementalLoadsTakeOnlyTheNewRows(
      String source, String namespace, String url, String insertNewRows) throws Exception {
    String load =
        "LOAD "
            + source
            + " INTO iceberg."
            + namespace
            + ".orders WITH DISPOSITION APPEND INCREMENTAL ON updated_at";
    List<Object> first = single(load);
    assertThat(first.get(1)).isEqualTo("SUCCEEDED");
    assertThat(first.get(2)).isEqualTo(50L);
    // The next load asks the database for the rows past the stored cursor only.
    assertThat(explain(load)).contains("WHERE \"updated_at\" > ");
    database(url, insertNewRows);
    List<Object> second = single(load);
    assertThat(second.get(2)).isEqualTo(2L); // rows read: the database filtered
    assertThat(second.get(3)).isEqualTo(2L);
    assertThat(single(load).get(2)).isEqualTo(0L);
    List<Long> ids = new ArrayList<>();
    for (Record record : server.icebergRows(namespace, "orders")) {
      ids.add(((Number) record.getField("id")).longValue());
    }
    assertThat(ids).hasSize(52).doesNotHaveDuplicates().contains(1L, 50L, 51L, 52L);
  }

  private static void database(String url, String... statements) throws SQLException {
    try (Connection database = DriverManager.getConnection(url);
        Statement statement = database.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private String explain(String load) throws SQLException {
    StringBuilder plan = new StringBuilder();
    for (List<Object> row : query("EXPLAIN " + load)) {
      plan.append(row.get(0)).append('\n');
    }
    return plan.toString();
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private List<List<Object>> query(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return JdbcRows.rows(statement.executeQuery(sql));
    }
  }

  private List<Object> single(String sql) throws SQLException {
    List<List<Object>> rows = query(sql);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}
