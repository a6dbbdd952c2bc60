package dev.tidewater.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A JDBC source over a real PostgreSQL server: types, pushdown, splits, snapshot and faults. */
class PostgresSourceTest {
  private static EmbeddedPostgres postgres;
  private static final SourceObject TYPES = new SourceObject(List.of("public", "all_types"));
  private static final SourceObject ORDERS = new SourceObject(List.of("public", "orders"));

  private BufferAllocator allocator;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Path data = java.nio.file.Files.createTempDirectory("pg-source");
    postgres =
        Services.start(
            "embedded PostgreSQL", () -> EmbeddedPostgres.builder().setDataDirectory(data).start());
    // User etl must give its password; everyone else is trusted (the zonky default).
    java.nio.file.Path hba = data.resolve("pg_hba.conf");
    java.nio.file.Files.writeString(
        hba,
        "host all etl 127.0.0.1/32 scram-sha-256\nhost all etl ::1/128 scram-sha-256\n"
            + java.nio.file.Files.readString(hba));
    execute(
        "CREATE ROLE etl LOGIN PASSWORD 'right-password'",
        "SELECT pg_reload_conf()",
        "CREATE TYPE mood AS ENUM ('happy', 'sad')",
        "CREATE TABLE all_types (id integer PRIMARY KEY, small smallint, big bigint,"
            + " price numeric(12,2), ratio numeric, f4 real, f8 double precision, flag boolean,"
            + " name text, code char(3), label varchar(20), day date, at time,"
            + " ts timestamp, tstz timestamptz, uid uuid, payload bytea, doc json, docb jsonb,"
            + " tags text[], scores int[], feeling mood)",
        "INSERT INTO all_types VALUES (1, 7, 9000000000, 12345.67,"
            + " 123456789012345678901234567890.123456789, 1.5, 2.25, true, 'café', 'abc', 'x',"
            + " '2024-02-29', '13:14:15.123456', '2024-01-02 03:04:05.678901',"
            + " '2024-01-02 03:04:05.5+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x0102ff',"
            + " '{\"a\": 1}', '{\"b\": [1, 2]}', ARRAY['x', NULL, 'z'], ARRAY[1, 2], 'sad')",
        "INSERT INTO all_types (id) VALUES (2)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp)",
        "INSERT INTO orders SELECT g, g * 1.5, TIMESTAMP '2024-01-01' + g * INTERVAL '1 minute'"
            + " FROM generate_series(1, 1000) g",
        "CREATE TABLE no_key (v text)",
        "INSERT INTO no_key VALUES ('a'), ('b')",
        "CREATE TABLE \"Mixed Case\" (\"Value\" int)");
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void allocate() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void release() {
    allocator.close();
  }

  static void execute(String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Map<String, String> options(String... extra) {
    Map<String, String> options = new HashMap<>();
    options.put("url", postgres.getJdbcUrl("postgres", "postgres"));
    options.put("password", "secret-password");
    for (int i = 0; i < extra.length; i += 2) {
      options.put(extra[i], extra[i + 1]);
    }
    return options;
  }

  private static Connector connector(String... extra) {
    return new JdbcConnectorFactory(null).create("shop_db", options(extra));
  }

  @Test
  void listsTablesAsSchemaDotTable() {
    try (Connector connector = connector()) {
      assertThat(connector.listObjects())
          .extracting(SourceObject::toString)
          .contains("public.all_types", "public.orders", "public.no_key", "public.Mixed Case")
          .noneMatch(name -> name.startsWith("pg_catalog") || name.startsWith("information"));
    }
  }

  @Test
  void mapsEveryTypeWithoutLoss() {
    try (Connector connector = connector()) {
      Schema schema = connector.discover(TYPES);
      assertThat(schema.getFields())
          .extracting(field -> field.getName() + " " + field.getType())
          .containsExactly(
              "id Int(32, true)",
              "small Int(32, true)",
              "big Int(64, true)",
              "price Decimal(12, 2, 128)",
              "ratio Utf8",
              "f4 FloatingPoint(SINGLE)",
              "f8 FloatingPoint(DOUBLE)",
              "flag Bool",
              "name Utf8",
              "code Utf8",
              "label Utf8",
              "day Date(DAY)",
              "at Time(MICROSECOND, 64)",
              "ts Timestamp(MICROSECOND, null)",
              "tstz Timestamp(MICROSECOND, UTC)",
              "uid Utf8",
              "payload Binary",
              "doc Utf8",
              "docb Utf8",
              "tags List",
              "scores List",
              "feeling Utf8");
      assertThat(schema.findField("id").isNullable()).isFalse();
      Field tags = schema.findField("tags");
      assertThat(tags.getChildren().get(0).getType().toString()).isEqualTo("Utf8");

      List<List<Object>> rows = Reading.rows(connector, ExtractRequest.all(TYPES), allocator);
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0))
          .containsExactly(
              "1",
              "7",
              "9000000000",
              "12345.67",
              "123456789012345678901234567890.123456789",
              "1.5",
              "2.25",
              "true",
              "café",
              "abc",
              "x",
              "19782",
              "47655123456",
              "2024-01-02T03:04:05.678901",
              "1704157445500000",
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
              "[1, 2, -1]",
              "{\"a\": 1}",
              "{\"b\": [1, 2]}",
              "[\"x\",null,\"z\"]",
              "[1,2]",
              "sad");
      assertThat(rows.get(1).subList(1, rows.get(1).size())).allMatch(value -> value == null);
    }
  }

  @Test
  void projectionAndCursorWindowBecomeTheQuery() {
    try (Connector connector = connector("parallelism", "1")) {
      connector.discover(ORDERS);
      long from = 1_704_067_200_000_000L + 990 * 60_000_000L; // 2024-01-01 + 990 minutes
      ExtractRequest request =
          new ExtractRequest(
              ORDERS,
              List.of("id", "updated_at"),
              List.of(
                  new ColumnPredicate("updated_at", ColumnPredicate.Operator.GREATER_THAN, from)),
              100);
      List<Split> splits = connector.plan(request);
      assertThat(splits).hasSize(1);
      assertThat(splits.get(0).description())
          .isEqualTo(
              "shop_db.public.orders: COPY (SELECT \"id\", \"updated_at\" FROM"
                  + " \"public\".\"orders\" WHERE \"updated_at\" > TIMESTAMP '2024-01-01T16:30')"
                  + " TO STDOUT (FORMAT binary)");
      List<List<Object>> rows = Reading.rows(connector, request, allocator);
      assertThat(rows)
          .extracting(row -> row.get(0))
          .containsExactly("991", "992", "993", "994", "995", "996", "997", "998", "999", "1000");
    }
  }

  @Test
  void aRowLimitIsOneQueryThatStopsThere() {
    try (Connector connector = connector("splits", "4")) {
      ExtractRequest request =
          new ExtractRequest(
                  ORDERS,
                  List.of("id"),
                  List.of(new ColumnPredicate("id", ColumnPredicate.Operator.GREATER_THAN, 500L)),
                  100)
              .withRowLimit(3);
      List<Split> splits = connector.plan(request);
      assertThat(splits).hasSize(1);
      assertThat(splits.get(0).description())
          .isEqualTo(
              "shop_db.public.orders: SELECT \"id\" FROM \"public\".\"orders\" WHERE \"id\" > 500"
                  + " LIMIT 3");
      assertThat(Reading.rows(connector, request, allocator)).hasSize(3);
      assertThat(connector.plan(request.withRowLimit(0))).isEmpty();
    }
  }

  @Test
  void rangeSplitsReadTheSameRowsAsOneSplit() {
    List<List<Object>> one;
    try (Connector connector = connector("splits", "1")) {
      one =
          Reading.rows(connector, new ExtractRequest(ORDERS, List.of(), List.of(), 64), allocator);
    }
    try (Connector connector = connector("splits", "4")) {
      ExtractRequest request = new ExtractRequest(ORDERS, List.of(), List.of(), 64);
      List<Split> splits = connector.plan(request);
      assertThat(splits).hasSize(4);
      assertThat(splits.get(1).description())
          .contains("split 2/4")
          .contains("\"id\" >= 251 AND \"id\" < 501");
      List<List<Object>> four = Reading.rows(connector, request, allocator);
      assertThat(four).hasSize(1000).containsExactlyInAnyOrderElementsOf(one);
    }
  }

  @Test
  void splitsReadOneSnapshot() throws SQLException {
    try (Connector connector = connector("splits", "2")) {
      ExtractRequest request = ExtractRequest.all(ORDERS);
      List<Split> splits = connector.plan(request);
      // Rows that arrive after planning are invisible to every split.
      execute("INSERT INTO orders VALUES (5000, 1, now())");
      try {
        long read = 0;
        for (Split split : splits) {
          read += Reading.rows(connector, split, request, allocator).size();
        }
        assertThat(read).isEqualTo(1000);
      } finally {
        execute("DELETE FROM orders WHERE id = 5000");
      }
    }
  }

  @Test
  void tableWithoutKeyIsOneSplitAndSplitColumnChoosesOne() {
    try (Connector connector = connector("splits", "3")) {
      assertThat(connector.plan(ExtractRequest.all(new SourceObject(List.of("public", "no_key")))))
          .hasSize(1);
    }
    try (Connector connector = connector("splits", "3", "split_column", "updated_at")) {
      List<Split> splits = connector.plan(ExtractRequest.all(ORDERS));
      assertThat(splits).hasSize(3);
      assertThat(splits.get(0).description()).contains("OR \"updated_at\" IS NULL");
      assertThat(Reading.rows(connector, ExtractRequest.all(ORDERS), allocator)).hasSize(1000);
    }
    try (Connector connector = connector("split_column", "amount")) {
      assertThatThrownBy(() -> connector.plan(ExtractRequest.all(ORDERS)))
          .hasMessageContaining("split_column 'amount'")
          .hasMessageContaining("numeric");
    }
  }

  @Test
  void namesMatchIgnoringCaseAndQuoteInQueries() {
    try (Connector connector = connector()) {
      SourceObject mixed = new SourceObject(List.of("PUBLIC", "mixed case"));
      assertThat(connector.discover(mixed).getFields().get(0).getName()).isEqualTo("Value");
      assertThat(connector.plan(ExtractRequest.all(mixed)).get(0).description())
          .contains("FROM \"public\".\"Mixed Case\"");
    }
  }

  @Test
  void unknownTableAndUnsupportedTypeAreUserErrors() throws SQLException {
    try (Connector connector = connector()) {
      assertThatThrownBy(() -> connector.discover(new SourceObject(List.of("public", "nope"))))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("source 'shop_db' has no table shop_db.public.nope");
    }
    execute("CREATE TABLE geo (id int, spot point)");
    try (Connector connector = connector()) {
      assertThatThrownBy(() -> connector.discover(new SourceObject(List.of("public", "geo"))))
          .hasMessageContaining("shop_db.public.geo: column 'spot' has type point");
    } finally {
      execute("DROP TABLE geo");
    }
  }

  @Test
  void wrongPasswordAndUnknownHostNameTheSourceButNoSecret() {
    Map<String, String> options = options();
    options.put("url", "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres");
    options.put("user", "etl");
    try (Connector connector = new JdbcConnectorFactory(null).create("shop_db", options)) {
      assertThatThrownBy(connector::listObjects)
          .isInstanceOf(TidewaterException.class)
          .satisfies(e -> assertThat(((TidewaterException) e).kind()).isEqualTo(ErrorKind.EXTERNAL))
          .hasMessageContaining("source 'shop_db': cannot connect")
          .hasMessageContaining("password authentication failed for user \"etl\"")
          .hasMessageNotContaining("secret-password");
    }
    options.put("url", "jdbc:postgresql://no-such-host.invalid:5432/db?password=secret-password");
    try (Connector connector = new JdbcConnectorFactory(null).create("shop_db", options)) {
      assertThatThrownBy(connector::listObjects)
          .hasMessageContaining("source 'shop_db': cannot connect")
          .hasMessageContaining("no-such-host.invalid")
          .hasMessageNotContaining("secret-password");
    }
  }

  @Test
  void tableDroppedAfterPlanningFailsTheRead() throws SQLException {
    execute("CREATE TABLE doomed (id int)", "INSERT INTO doomed VALUES (1)");
    SourceObject doomed = new SourceObject(List.of("public", "doomed"));
    try (Connector connector = connector()) {
      ExtractRequest request = ExtractRequest.all(doomed);
      List<Split> splits = connector.plan(request);
      execute("DROP TABLE doomed");
      assertThatThrownBy(() -> Reading.rows(connector, splits.get(0), request, allocator))
          .isInstanceOf(TidewaterException.class)
          .hasMessageContaining("source 'shop_db': cannot read shop_db.public.doomed")
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void unknownOptionsAndBadValuesAreRejected() {
    assertThatThrownBy(() -> connector("fetchsize", "10"))
        .hasMessageContaining("unknown JDBC option 'fetchsize'");
    assertThatThrownBy(() -> connector("splits", "0"))
        .hasMessageContaining("option 'splits' must be a positive integer");
    assertThatThrownBy(
            () -> new JdbcConnectorFactory(null).create("x", Map.of("url", "jdbc:nosuchdb://h/db")))
        .hasMessageContaining("no JDBC driver for 'nosuchdb' URLs");
  }
}
