package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Parquet files from another engine (DuckDB) in a landing folder, loaded incrementally over the
 * Flight SQL JDBC driver: the second load reads only the files and row groups whose maximum of the
 * cursor column is past the cursor (EXPLAIN LOAD says how many it skips), another engine reads the
 * rows back, and a corrupt file fails the load naming the file with nothing committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParquetFilesEndToEndTest {
  private Path landing;
  private TidewaterServerFixture server;
  private Connection connection;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    landing = Files.createDirectories(temp.resolve("landing"));
    server = new TidewaterServerFixture(temp.resolve("data"));
    connection = server.connect();
    execute("CREATE SOURCE landing TYPE FILES WITH (location = '" + landing + "/*.parquet')");
  }

  @AfterAll
  void stop() throws Exception {
    connection.close();
    server.close();
  }

  /** Orders {@code from} until {@code to}, updated one second apart, in row groups of 2048. */
  private void export(String file, int from, int to) throws SQLException {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement()) {
      statement.execute(
          "COPY (SELECT i::BIGINT AS id, {'name': 'c' || (i % 7), 'tier': i % 3} AS customer,"
              + " (i / 100)::DECIMAL(12,2) AS amount, [i, i + 1] AS lines,"
              + " MAP {'k': i} AS attributes, '\\xAB'::BLOB AS raw, TIME '10:11:12' AS cutoff,"
              + " TIMESTAMP '2024-01-01' + to_seconds(i) AS updated_at"
              + " FROM range("
              + from
              + ", "
              + to
              + ") t(i)) TO '"
              + landing.resolve(file)
              + "' (FORMAT parquet, ROW_GROUP_SIZE 2048)");
    }
  }

  @Test
  void incrementalLoadsSkipRowGroupsAndFilesBehindTheCursor() throws Exception {
    export("day1.parquet", 0, 6144);
    String load =
        "LOAD landing INTO iceberg.shop.orders WITH DISPOSITION APPEND INCREMENTAL ON updated_at";
    List<Object> first = single(load);
    assertThat(first.get(1)).isEqualTo("SUCCEEDED");
    assertThat(first.get(3)).isEqualTo(6144L);

    // a re-export overlapping the first: its first row group is wholly behind the cursor
    export("day2.parquet", 4096, 10240);
    assertThat(query("EXPLAIN " + load))
        .extracting(row -> ((String) row.get(0)).trim())
        .contains(
            "Parquet statistics on the cursor column: skip 1 of 2 file(s) and 4 of 6 row group(s)")
        .anyMatch(line -> line.endsWith("day2.parquet (2 of 3 row group(s))"));
    List<Object> second = single(load);
    assertThat(second.get(1)).isEqualTo("SUCCEEDED");
    assertThat(second.get(3)).isEqualTo(4096L);
    assertThat(single("SELECT count(*), count(DISTINCT id), max(id) FROM shop.orders"))
        .containsExactly(10240L, 10240L, 10239L);

    Table table =
        server
            .tidewater()
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of("shop", "orders"));
    Set<Long> ids = new HashSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        long id = (Long) row.getField("id");
        ids.add(id);
        Record customer = (Record) row.getField("customer");
        assertThat(customer.getField("name")).isEqualTo("c" + (id % 7));
        assertThat(customer.getField("tier")).isEqualTo(id % 3);
        assertThat(row.getField("amount")).isEqualTo(BigDecimal.valueOf(id, 2));
        assertThat(row.getField("lines")).isEqualTo(List.of(id, id + 1));
        assertThat(row.getField("attributes")).isEqualTo(Map.of("k", id));
        assertThat(row.getField("raw")).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xab}));
        assertThat(row.getField("cutoff")).isEqualTo(LocalTime.of(10, 11, 12));
      }
    }
    assertThat(ids).hasSize(10240);
    assertThat(table.schema().findField("amount").type().toString()).isEqualTo("decimal(12, 2)");

    // a corrupt file fails the load, naming it; nothing is committed
    long snapshot = table.currentSnapshot().snapshotId();
    export("day3.parquet", 10240, 12288);
    byte[] bytes = Files.readAllBytes(landing.resolve("day3.parquet"));
    Files.write(landing.resolve("day3.parquet"), Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> single(load))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("day3.parquet: not a readable Parquet file");
    table.refresh();
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    Files.write(landing.resolve("day3.parquet"), bytes);
    assertThat(single(load).get(3)).isEqualTo(2048L);
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
