package dev.tidewater.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite and DuckDB files as JDBC sources, and a driver loaded from the drivers directory. */
class FileDatabasesTest {
  @TempDir Path directory;
  private BufferAllocator allocator;

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void release() {
    allocator.close();
  }

  private static void execute(String url, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  @Test
  void sqliteTablesHaveOnePartNamesAndAffinityTypes() throws SQLException {
    String url = "jdbc:sqlite:" + directory.resolve("shop.db");
    execute(
        url,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL, note TEXT, day DATE,"
            + " raw BLOB, paid BOOLEAN)",
        "INSERT INTO orders VALUES (1, 2.5, 'a', '2024-01-02', x'00ff', 1),"
            + " (5000000000, NULL, NULL, NULL, NULL, 0)");
    try (Connector connector =
        new JdbcConnectorFactory(null).create("lite", Map.of("url", url, "splits", "2"))) {
      assertThat(connector.listObjects())
          .extracting(SourceObject::toString)
          .containsExactly("orders");
      SourceObject orders = new SourceObject(List.of("orders"));
      Schema schema = connector.discover(orders);
      assertThat(schema.getFields())
          .extracting(field -> field.getName() + " " + field.getType())
          .containsExactly(
              "id Int(64, true)",
              "amount FloatingPoint(DOUBLE)",
              "note Utf8",
              "day Utf8",
              "raw Binary",
              "paid Bool");
      assertThat(connector.plan(ExtractRequest.all(orders))).hasSize(2);
      assertThat(Reading.rows(connector, ExtractRequest.all(orders), allocator))
          .containsExactly(
              List.of("1", "2.5", "a", "2024-01-02", "[0, -1]", "true"),
              java.util.Arrays.asList("5000000000", null, null, null, null, "false"));
    }
  }

  @Test
  void duckdbTypesMapWithoutLoss() throws SQLException {
    String url = "jdbc:duckdb:" + directory.resolve("shop.duckdb");
    execute(
        url,
        "CREATE TABLE events (id BIGINT PRIMARY KEY, amount DECIMAL(18,3), huge DECIMAL(38,0),"
            + " f FLOAT, d DOUBLE, ok BOOLEAN, name VARCHAR, day DATE, tm TIME, ts TIMESTAMP,"
            + " tstz TIMESTAMPTZ, uid UUID, raw BLOB, tags VARCHAR[])",
        "INSERT INTO events VALUES (1, 12.345, 12345678901234567890123456789012345678, 1.5, 2.5,"
            + " true, 'x', DATE '2024-02-29', TIME '01:02:03.000004',"
            + " TIMESTAMP '2024-01-02 03:04:05.000006', TIMESTAMPTZ '2024-01-02 03:04:05+00',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x01'::BLOB, ['p', 'q'])");
    try (Connector connector = new JdbcConnectorFactory(null).create("duck", Map.of("url", url))) {
      SourceObject events = new SourceObject(List.of("main", "events"));
      assertThat(connector.listObjects())
          .extracting(SourceObject::toString)
          .contains("main.events");
      assertThat(connector.discover(events).getFields())
          .extracting(field -> field.getName() + " " + field.getType())
          .containsExactly(
              "id Int(64, true)",
              "amount Decimal(18, 3, 128)",
              "huge Decimal(38, 0, 128)",
              "f FloatingPoint(SINGLE)",
              "d FloatingPoint(DOUBLE)",
              "ok Bool",
              "name Utf8",
              "day Date(DAY)",
              "tm Time(MICROSECOND, 64)",
              "ts Timestamp(MICROSECOND, null)",
              "tstz Timestamp(MICROSECOND, UTC)",
              "uid Utf8",
              "raw Binary",
              "tags List");
      assertThat(Reading.rows(connector, ExtractRequest.all(events), allocator))
          .containsExactly(
              List.of(
                  "1",
                  "12.345",
                  "12345678901234567890123456789012345678",
                  "1.5",
                  "2.5",
                  "true",
                  "x",
                  "19782",
                  "3723000004",
                  "2024-01-02T03:04:05.000006",
                  "1704164645000000",
                  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                  "[1]",
                  "[\"p\",\"q\"]"));
    }
  }

  @Test
  void driversDirectoryLoadsADriverNotOnTheClassPath() throws Exception {
    assertThatThrownBy(() -> Class.forName("org.h2.Driver"))
        .isInstanceOf(ClassNotFoundException.class);
    Path drivers = Files.createDirectories(directory.resolve("drivers"));
    Path h2 =
        Path.of(
            System.getProperty("user.home"),
            ".m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar");
    Files.copy(h2, drivers.resolve("h2.jar"), StandardCopyOption.REPLACE_EXISTING);
    String url = "jdbc:h2:" + directory.resolve("h2db");
    JdbcConnectorFactory factory = new JdbcConnectorFactory(drivers);
    try (Connector connector = factory.create("h2", Map.of("url", url, "user", "sa"))) {
      // Create the table through the connector's own driver: the test's class path has no H2.
      try (Connection connection = ((JdbcConnector) connector).connect();
          Statement statement = connection.createStatement()) {
        assertThat(connection.getClass().getClassLoader().getName())
            .isEqualTo("tidewater-jdbc-drivers");
        statement.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(10))");
        statement.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        SourceObject items = new SourceObject(List.of("PUBLIC", "ITEMS"));
        assertThat(connector.listObjects())
            .extracting(SourceObject::toString)
            .contains("PUBLIC.ITEMS");
        assertThat(Reading.rows(connector, ExtractRequest.all(items), allocator))
            .containsExactlyInAnyOrder(List.of("1", "one"), List.of("2", "two"));
      }
    }
  }
}
