package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.iceberg.testing.RequiredService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL database as a user meets it, over the Flight SQL JDBC driver against a real server
 * and a real (embedded) PostgreSQL: browse it, query it with the filter and projection in the
 * database's SQL, load it incrementally (the cursor a WHERE in the database's query) exactly once,
 * in parallel splits, with every type, and the faults that must commit nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcSourceEndToEndTest {
  private static final String PG_PASSWORD = "pg-Secr3t-etl";

  private EmbeddedPostgres postgres;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    Path data = Files.createDirectories(temp.resolve("pg"));
    postgres =
        RequiredService.start(
            "embedded PostgreSQL", () -> EmbeddedPostgres.builder().setDataDirectory(data).start());
    // User etl must give its password; everyone else is trusted (the zonky default).
    Path hba = data.resolve("pg_hba.conf");
    Files.writeString(
        hba,
        "host all etl 127.0.0.1/32 scram-sha-256\nhost all etl ::1/128 scram-sha-256\n"
            + Files.readString(hba));
    postgres(
        "CREATE ROLE etl LOGIN PASSWORD '" + PG_PASSWORD + "'",
        "SELECT pg_reload_conf()",
        "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(12,2), status text,"
            + " updated_at timestamptz NOT NULL)",
        "INSERT INTO orders SELECT g, g * 1.25, CASE WHEN g % 2 = 0 THEN 'paid' ELSE 'new' END,"
            + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute'"
            + " FROM generate_series(1, 200) g",
        // Reading v of a row past id 100 fails in the database: only a pushed-down filter or
        // projection lets a query of this view succeed.
        "CREATE VIEW guarded AS SELECT id, status, CASE WHEN id > 100 THEN 1 / (id - id)"
            + " ELSE id END AS v FROM orders",
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
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO etl");
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    execute(
        "CREATE SOURCE shop TYPE JDBC WITH (url = '"
            + url()
            + "', user = 'etl', password = '"
            + PG_PASSWORD
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
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void browseAndQueryTheDatabaseWithFilterAndProjectionInItsSql() throws Exception {
    assertThat(query("SHOW TABLES IN shop"))
        .contains(List.of("shop", "public", "orders"), List.of("shop", "public", "guarded"));
    assertThat(query("DESCRIBE SOURCE shop.public.orders"))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .containsExactly(
            "id BIGINT",
            "amount DECIMAL(12, 2)",
            "status VARCHAR",
            "updated_at TIMESTAMP WITH LOCAL TIME ZONE");

    assertThat(
            query(
                "SELECT id, amount FROM shop.public.orders WHERE id >= 10 AND status = 'paid'"
                    + " ORDER BY id LIMIT 3"))
        .containsExactly(
            List.of(10L, new BigDecimal("12.50")),
            List.of(12L, new BigDecimal("15.00")),
            List.of(14L, new BigDecimal("17.50")));
    // The filter reached the database: the view's rows past id 100 are never evaluated.
    assertThat(query("SELECT id, v FROM shop.public.guarded WHERE id <= 3 ORDER BY id"))
        .containsExactly(List.of(1L, 1L), List.of(2L, 2L), List.of(3L, 3L));
    // ...and so did the projection: v is not read at all.
    assertThat(single("SELECT count(status) FROM shop.public.guarded")).containsExactly(200L);
    // Without the filter in the database, the database fails, and says so.
    assertThatThrownBy(() -> query("SELECT v FROM shop.public.guarded"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("source 'shop'")
        .hasMessageContaining("division by zero")
        .hasMessageNotContaining(PG_PASSWORD);
    // A LIMIT over filters the database has in full is in its query too: the database stops
    // after three rows and never computes v past id 100.
    assertThat(query("SELECT id, v FROM shop.public.guarded LIMIT 3")).hasSize(3);
    assertThat(query("SELECT id, v FROM shop.public.guarded WHERE status = 'new' LIMIT 2"))
        .containsExactly(List.of(1L, 1L), List.of(3L, 3L));
    // ...but not over a filter Calcite applies (the database's first rows might not match).
    assertThatThrownBy(
            () -> query("SELECT id, v FROM shop.public.guarded WHERE status LIKE 'n%' LIMIT 2"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("division by zero");
    // A name resolves ignoring case; a missing table is named.
    assertThat(single("SELECT count(*) FROM SHOP.Public.Orders")).containsExactly(200L);
    assertThatThrownBy(() -> query("SELECT * FROM shop.public.nothing"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("nothing");
    assertThat(single("SELECT 1")).containsExactly(1);
  }

  @Test
  void metadataCallsBrowseTheDatabaseLikeACatalog() throws Exception {
    java.sql.DatabaseMetaData metadata = connection.getMetaData();
    assertThat(JdbcRows.column(metadata.getCatalogs(), "TABLE_CAT")).contains("iceberg", "shop");
    assertThat(JdbcRows.column(metadata.getSchemas("shop", "%"), "TABLE_SCHEM"))
        .containsExactly("public");
    assertThat(
            JdbcRows.column(
                metadata.getTables("shop", "public", "%", new String[] {"TABLE"}), "TABLE_NAME"))
        .contains("orders", "guarded", "all_types");
    List<String> columns = new ArrayList<>();
    try (java.sql.ResultSet rows = metadata.getColumns("shop", "public", "orders", "%")) {
      while (rows.next()) {
        columns.add(rows.getString("COLUMN_NAME") + " " + rows.getString("TYPE_NAME"));
      }
    }
    assertThat(columns)
        .containsExactly(
            "id BIGINT",
            "amount DECIMAL",
            "status VARCHAR",
            "updated_at TIMESTAMP WITH LOCAL TIME ZONE");
  }

  @Test
  void incrementalMergeTakesEachChangeOnceWithTheCursorInTheDatabaseQuery() throws Exception {
    postgres(
        "CREATE TABLE customers (id bigint PRIMARY KEY, name text, updated_at timestamptz)",
        "INSERT INTO customers SELECT g, 'customer ' || g,"
            + " TIMESTAMPTZ '2024-03-01 00:00:00+00' + g * INTERVAL '1 hour'"
            + " FROM generate_series(1, 50) g",
        "GRANT SELECT ON customers TO etl");
    String load =
        "LOAD shop.public.customers INTO iceberg.crm.customers WITH DISPOSITION MERGE ON (id)"
            + " INCREMENTAL ON updated_at";
    assertThat(explain(load)).contains("FROM \"public\".\"customers\"");

    List<Object> first = single(load);
    assertThat(first.get(1)).isEqualTo("SUCCEEDED");
    assertThat(first.get(3)).isEqualTo(50L);

    // The next load's query asks the database for the rows past the stored cursor only.
    assertThat(explain(load))
        .contains("\"updated_at\" > TIMESTAMP WITH TIME ZONE '2024-03-03T02:00Z'");
    postgres(
        "UPDATE customers SET name = 'renamed', updated_at = TIMESTAMPTZ '2024-04-01 00:00:00+00'"
            + " WHERE id IN (3, 7)",
        "INSERT INTO customers VALUES (51, 'customer 51', TIMESTAMPTZ '2024-04-02 00:00:00+00')");
    List<Object> second = single(load);
    assertThat(second.get(2)).isEqualTo(3L); // rows read: the database filtered
    assertThat(second.get(3)).isEqualTo(3L);
    assertThat(single(load).get(2)).isEqualTo(0L);

    assertThat(single("SELECT count(*), count(DISTINCT id) FROM crm.customers"))
        .containsExactly(51L, 51L);
    assertThat(query("SELECT id, name FROM crm.customers WHERE name = 'renamed' ORDER BY id"))
        .containsExactly(List.of(3L, "renamed"), List.of(7L, "renamed"));

    // BACKFILL is a WHERE too, and leaves the cursor where it is.
    String backfill =
        "LOAD shop.public.customers INTO iceberg.crm.customers WITH DISPOSITION MERGE ON (id)"
            + " INCREMENTAL ON updated_at BACKFILL FROM TIMESTAMP '2024-03-01 01:00:00'"
            + " TO TIMESTAMP '2024-03-01 04:00:00'";
    assertThat(explain(backfill)).contains("\"updated_at\" >= ", "\"updated_at\" < ");
    assertThat(single(backfill).get(2)).isEqualTo(2L); // ids 1 and 2 (3 moved on)
    assertThat(single(load).get(2)).isEqualTo(0L);
  }

  @Test
  void parallelSplitsReadTheSameRowsAsOneSplit() throws Exception {
    execute(
        "CREATE SOURCE shop_parallel TYPE JDBC WITH (url = '"
            + url()
            + "', user = 'etl', password = '"
            + PG_PASSWORD
            + "', parallelism = 4)");
    execute(
        "CREATE SOURCE shop_single TYPE JDBC WITH (url = '"
            + url()
            + "', user = 'etl', password = '"
            + PG_PASSWORD
            + "', splits = 1)");
    String parallel =
        "LOAD shop_parallel.public.orders INTO iceberg.par.four WITH DISPOSITION APPEND";
    assertThat(explain(parallel)).contains("split 1/4", "split 4/4", "\"id\" >= ");
    assertThat(
            explain(
                "LOAD shop_single.public.orders INTO iceberg.par.single WITH DISPOSITION APPEND"))
        .doesNotContain("split 1/");
    assertThat(single(parallel).get(3)).isEqualTo(200L);
    assertThat(
            single("LOAD shop_single.public.orders INTO iceberg.par.single WITH DISPOSITION APPEND")
                .get(3))
        .isEqualTo(200L);
    assertThat(query("SELECT * FROM par.four ORDER BY id"))
        .isEqualTo(query("SELECT * FROM par.single ORDER BY id"))
        .hasSize(200);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyTypeRoundTripsIntoIceberg() throws Exception {
    assertThat(
            single(
                    "LOAD shop.public.all_types INTO iceberg.types.all_types WITH DISPOSITION APPEND")
                .get(3))
        .isEqualTo(2L);
    List<Record> rows = server.icebergRows("types", "all_types");
    rows.sort(java.util.Comparator.comparing(row -> (Integer) row.getField("id")));
    Record full = rows.get(0);
    assertThat(full.getField("small")).isEqualTo(7);
    assertThat(full.getField("big")).isEqualTo(9_000_000_000L);
    assertThat(full.getField("price")).isEqualTo(new BigDecimal("12345.67"));
    // unbounded NUMERIC is text, digit for digit
    assertThat(full.getField("ratio")).isEqualTo("123456789012345678901234567890.123456789");
    assertThat(full.getField("f4")).isEqualTo(1.5f);
    assertThat(full.getField("f8")).isEqualTo(2.25);
    assertThat(full.getField("flag")).isEqualTo(true);
    assertThat(full.getField("name")).isEqualTo("café");
    assertThat(full.getField("code")).isEqualTo("abc");
    assertThat(full.getField("label")).isEqualTo("x");
    assertThat(full.getField("day")).isEqualTo(java.time.LocalDate.of(2024, 2, 29));
    assertThat(full.getField("at")).isEqualTo(java.time.LocalTime.parse("13:14:15.123456"));
    assertThat(full.getField("ts"))
        .isEqualTo(java.time.LocalDateTime.parse("2024-01-02T03:04:05.678901"));
    assertThat(full.getField("tstz"))
        .isEqualTo(java.time.OffsetDateTime.parse("2024-01-02T01:04:05.5Z"));
    assertThat(String.valueOf(full.getField("uid")))
        .isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    java.nio.ByteBuffer payload = (java.nio.ByteBuffer) full.getField("payload");
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    assertThat(bytes).containsExactly(1, 2, (byte) 0xff);
    assertThat(full.getField("doc")).isEqualTo("{\"a\": 1}");
    assertThat(full.getField("docb")).isEqualTo("{\"b\": [1, 2]}");
    assertThat((List<Object>) full.getField("tags")).containsExactly("x", null, "z");
    assertThat((List<Object>) full.getField("scores")).containsExactly(1, 2);
    assertThat(full.getField("feeling")).isEqualTo("sad");
    Record empty = rows.get(1);
    for (int i = 1; i < empty.size(); i++) {
      assertThat(empty.get(i)).as(empty.struct().fields().get(i).name()).isNull();
    }
  }

  @Test
  void binaryCopyAndResultSetWriteTheSameIcebergRows() throws Exception {
    execute(
        "CREATE SOURCE shop_rs TYPE JDBC WITH (url = '"
            + url()
            + "', user = 'etl', password = '"
            + PG_PASSWORD
            + "', binary_copy = false)");
    String copy = "LOAD shop.public.all_types INTO iceberg.paths.copied WITH DISPOSITION APPEND";
    String resultSet =
        "LOAD shop_rs.public.all_types INTO iceberg.paths.selected WITH DISPOSITION APPEND";
    assertThat(explain(copy)).contains("COPY (SELECT \"id\", ", ") TO STDOUT (FORMAT binary)");
    assertThat(explain(resultSet)).doesNotContain("COPY").contains(": SELECT \"id\", ");
    assertThat(single(copy).get(3)).isEqualTo(2L);
    assertThat(single(resultSet).get(3)).isEqualTo(2L);
    java.util.Comparator<Record> byId =
        java.util.Comparator.comparing(row -> (Integer) row.getField("id"));
    List<Record> copied = server.icebergRows("paths", "copied");
    List<Record> selected = server.icebergRows("paths", "selected");
    copied.sort(byId);
    selected.sort(byId);
    assertThat(copied).hasSize(2);
    for (int row = 0; row < 2; row++) {
      for (int field = 0; field < copied.get(row).size(); field++) {
        Object value = copied.get(row).get(field);
        Object expected = selected.get(row).get(field);
        assertThat(value)
            .as(copied.get(row).struct().fields().get(field).name())
            .isEqualTo(expected);
      }
    }
    assertThat(copied.get(0).getField("ratio"))
        .isEqualTo("123456789012345678901234567890.123456789");
  }

  @Test
  void faultsNameSourceTableAndRowCommitNothingAndKeepTheCursor() throws Exception {
    postgres(
        "CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric(10,2),"
            + " paid_at timestamptz NOT NULL)",
        "INSERT INTO payments SELECT g, g, TIMESTAMPTZ '2024-05-01 00:00:00+00'"
            + " + g * INTERVAL '1 minute' FROM generate_series(1, 10) g",
        "CREATE TABLE doomed (id bigint PRIMARY KEY)",
        "INSERT INTO doomed VALUES (1)",
        "GRANT SELECT ON payments, doomed TO etl");
    execute(
        "CREATE CONTRACT payments_v1 (id BIGINT NOT NULL, amount DECIMAL(4, 2),"
            + " paid_at TIMESTAMP WITH LOCAL TIME ZONE NOT NULL)");
    String load =
        "LOAD shop.public.payments INTO iceberg.faults.payments WITH DISPOSITION APPEND"
            + " INCREMENTAL ON paid_at USING CONTRACT payments_v1";
    assertThat(single(load).get(3)).isEqualTo(10L);
    Table table =
        server
            .tidewater()
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of("faults", "payments"));
    long snapshot = table.currentSnapshot().snapshotId();

    // A value that does not fit the contract's type: the load names the source, table, row and
    // column, and commits nothing.
    postgres(
        "INSERT INTO payments VALUES (11, 11, TIMESTAMPTZ '2024-05-02 00:00:00+00'),"
            + " (12, 123456.78, TIMESTAMPTZ '2024-05-02 00:01:00+00')");
    assertThatThrownBy(() -> single(load))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("shop.public.payments")
        .hasMessageContaining("amount")
        .hasMessageContaining("123456.78")
        .hasMessageNotContaining(PG_PASSWORD);
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    // The cursor did not move: once the row is fixed, the next load takes both new rows.
    postgres("UPDATE payments SET amount = 12 WHERE id = 12");
    assertThat(single(load).get(3)).isEqualTo(2L);

    // Wrong password and unknown host: named, no secret shown, nothing created.
    execute(
        "CREATE SOURCE wrong_pw TYPE JDBC WITH (url = '"
            + url()
            + "', user = 'etl', password = 'not-the-Passw0rd')");
    assertThatThrownBy(
            () ->
                single(
                    "LOAD wrong_pw.public.orders INTO iceberg.faults.nope WITH DISPOSITION APPEND"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("source 'wrong_pw': cannot connect to " + url())
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("not-the-Passw0rd");
    execute(
        "CREATE SOURCE nowhere TYPE JDBC WITH (url = 'jdbc:postgresql://no-such-host.invalid/db',"
            + " user = 'etl', password = '"
            + PG_PASSWORD
            + "')");
    assertThatThrownBy(() -> query("SELECT * FROM nowhere.public.orders"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("source 'nowhere': cannot connect to")
        .hasMessageNotContaining(PG_PASSWORD);
    assertThat(String.valueOf(query("SHOW SOURCES")))
        .doesNotContain(PG_PASSWORD)
        .doesNotContain("not-the-Passw0rd");
    assertThat(query("SHOW TABLES IN faults"))
        .extracting(row -> row.get(2))
        .containsExactly("payments");

    // A table dropped after the plan was shown: the load names it and commits nothing.
    String doomed = "LOAD shop.public.doomed INTO iceberg.faults.doomed WITH DISPOSITION APPEND";
    assertThat(explain(doomed)).contains("FROM \"public\".\"doomed\"");
    postgres("DROP TABLE doomed");
    assertThatThrownBy(() -> single(doomed))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("source 'shop' has no table shop.public.doomed");

    // The server keeps serving, the broken sources' neighbours too.
    assertThat(single("SELECT count(*) FROM faults.payments")).containsExactly(12L);
    assertThat(single("SELECT count(*) FROM shop.public.payments")).containsExactly(12L);
  }

  private String explain(String load) throws SQLException {
    StringBuilder plan = new StringBuilder();
    for (List<Object> row : query("EXPLAIN " + load)) {
      plan.append(row.get(0)).append('\n');
    }
    return plan.toString();
  }

  private String url() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  private void postgres(String... statements) throws SQLException {
    try (Connection admin = postgres.getPostgresDatabase().getConnection();
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
