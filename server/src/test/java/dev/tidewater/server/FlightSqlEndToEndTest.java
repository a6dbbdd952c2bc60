package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
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
 * The whole path as a user takes it: a real server on a free port, driven by the Flight SQL JDBC
 * driver that DBeaver uses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlightSqlEndToEndTest {
  private Path temp;
  private TidewaterServerFixture server;
  private Path orders;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    temp = dir;
    server = new TidewaterServerFixture(temp.resolve("data"));
    orders = temp.resolve("orders.csv");
    Files.writeString(
        orders,
        "order_id,customer,amount,status,zip,ordered_at\n"
            + "1,Ada,12.50,new,00501,2024-03-01 10:00:00\n"
            + "2,Grace,7.25,paid,10001,2024-03-01 11:30:00\n"
            + "3,\"Lin, Mei\",100.00,paid,94105,2024-03-02 09:15:00\n"
            + "4,Zoë,0.99,void,02134,2024-03-03 18:45:00\n");
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @Test
  void createsSourceLoadsAndQueries() throws Exception {
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE SOURCE orders_csv TYPE FILES WITH (location = '"
              + orders
              + "', format = 'csv')");
      List<List<Object>> load =
          rows(
              statement.executeQuery(
                  "LOAD orders_csv INTO iceberg.shop.orders WITH DISPOSITION APPEND"));
      assertThat(load).hasSize(1);
      assertThat(load.get(0).get(1)).isEqualTo("SUCCEEDED");
      assertThat(load.get(0).get(2)).isEqualTo(4L);
      assertThat(load.get(0).get(3)).isEqualTo(4L);
      assertThat(load.get(0).get(4)).isEqualTo(0L);

      List<List<Object>> totals =
          rows(
              statement.executeQuery(
                  "SELECT status, count(*) AS n, sum(amount) AS total FROM iceberg.shop.orders"
                      + " GROUP BY status ORDER BY status"));
      assertThat(totals)
          .containsExactly(
              List.of("new", 1L, new BigDecimal("12.50")),
              List.of("paid", 2L, new BigDecimal("107.25")),
              List.of("void", 1L, new BigDecimal("0.99")));

      List<List<Object>> zips =
          rows(statement.executeQuery("SELECT zip FROM shop.orders WHERE order_id = 4"));
      assertThat(zips).containsExactly(List.of("02134"));

      // REPLACE leaves exactly the new rows, in one more snapshot.
      statement.executeQuery("LOAD orders_csv INTO iceberg.shop.orders WITH DISPOSITION REPLACE");
      assertThat(rows(statement.executeQuery("SELECT count(*) FROM iceberg.shop.orders")))
          .containsExactly(List.of(4L));
    }

    // Other engines read the same rows: Iceberg's own generic reader.
    Table table =
        server
            .tidewater()
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of("shop", "orders"));
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> read = IcebergGenerics.read(table).build()) {
      read.forEach(records::add);
    }
    assertThat(records).hasSize(4);
    assertThat(records)
        .extracting(record -> record.getField("customer"))
        .containsExactlyInAnyOrder("Ada", "Grace", "Lin, Mei", "Zoë");
    assertThat(table.currentSnapshot().summary()).containsKey("tidewater.load-id");
  }

  @Test
  void mergesIncrementallyAndRollsBackOverJdbc() throws Exception {
    Path changes = temp.resolve("changes.csv");
    Files.writeString(
        changes,
        "id,name,updated_at,op\n1,Ann,2024-05-01 10:00:00,U\n2,Bob,2024-05-01 11:00:00,U\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE changes TYPE FILES WITH (location = '" + changes + "')");
      String merge =
          "LOAD changes INTO iceberg.crm.people WITH DISPOSITION MERGE ON (id)"
              + " DEDUP BY updated_at DESC DELETE WHEN op = 'D'"
              + " INCREMENTAL ON updated_at LAG INTERVAL '1' HOUR";
      statement.executeQuery(merge).close();
      Files.writeString(
          changes,
          "id,name,updated_at,op\n"
              + "1,Ann,2024-05-01 10:00:00,U\n"
              + "2,Bobby,2024-05-02 09:00:00,U\n"
              + "2,Robert,2024-05-02 08:00:00,U\n"
              + "1,Ann,2024-05-02 12:00:00,D\n"
              + "3,Cy,2024-05-02 13:00:00,U\n");
      List<List<Object>> second = rows(statement.executeQuery(merge));
      assertThat(second.get(0).get(1)).isEqualTo("SUCCEEDED");
      assertThat(rows(statement.executeQuery("SELECT id, name FROM crm.people ORDER BY id")))
          .containsExactly(List.of(2L, "Bobby"), List.of(3L, "Cy"));
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT cursor_after FROM system.loads WHERE load_id = '"
                          + second.get(0).get(0)
                          + "'")))
          .containsExactly(List.of("2024-05-02T13:00"));
      statement.execute("ROLLBACK LOAD '" + second.get(0).get(0) + "'");
      assertThat(rows(statement.executeQuery("SELECT id, name FROM crm.people ORDER BY id")))
          .containsExactly(List.of(1L, "Ann"), List.of(2L, "Bob"));
    }
  }

  @Test
  void contractsValidateQuarantineAndCountOverJdbc() throws Exception {
    Path messy = temp.resolve("messy.jsonl");
    Files.writeString(
        messy,
        "{\"id\": 1, \"Release Date\": \"2024-01-01\", \"price\": 9.5, \"tag\": \"a\"}\n"
            + "{\"id\": 2, \"Release Date\": \"2024-01-02\", \"price\": -1, \"tag\": \"b\"}\n"
            + "{\"id\": null, \"Release Date\": \"2024-01-03\", \"price\": 3, \"tag\": \"c\"}\n"
            + "{\"id\": 4, \"Release Date\": \"2024-01-04\", \"price\": 4, \"tag\": \"zzz\"}\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE messy TYPE FILES WITH (location = '" + messy + "')");
      statement.execute(
          "CREATE CONTRACT messy_v1 (id BIGINT NOT NULL, \"Release Date\" DATE,"
              + " price DOUBLE CHECK (price >= 0), tag VARCHAR CHECK (tag IN ('a', 'b', 'c')))");
      assertThat(rows(statement.executeQuery("SHOW CONTRACTS"))).hasSize(1);
      String load =
          "LOAD messy INTO iceberg.shop.messy WITH DISPOSITION APPEND USING CONTRACT messy_v1";
      List<List<Object>> report = rows(statement.executeQuery("VALIDATE " + load));
      assertThat(report).filteredOn(row -> "violation".equals(row.get(0))).hasSize(3);
      List<List<Object>> loaded = rows(statement.executeQuery(load + " ON ERROR QUARANTINE"));
      assertThat(loaded.get(0).subList(2, 5)).containsExactly(4L, 1L, 3L);
      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT source_position, rule FROM shop.messy__rejected"
                          + " ORDER BY source_position")))
          .extracting(row -> row.get(0))
          .containsExactly("messy.jsonl:2", "messy.jsonl:3", "messy.jsonl:4");
      assertThat(rows(statement.executeQuery("SELECT id FROM shop.messy")))
          .containsExactly(List.of(1L));
    }
  }

  @Test
  void zonedTimestampsReadBackOverJdbc() throws Exception {
    Path zoned = temp.resolve("zoned.csv");
    Files.writeString(zoned, "id,happened\n1,2024-03-01T09:15:22Z\n2,2024-03-01T10:00:00+02:00\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE zoned TYPE FILES WITH (location = '" + zoned + "')");
      statement.executeQuery("LOAD zoned INTO iceberg.shop.zoned WITH DISPOSITION REPLACE").close();
      try (ResultSet result =
          statement.executeQuery("SELECT happened FROM shop.zoned ORDER BY id")) {
        List<String> values = new ArrayList<>();
        while (result.next()) {
          values.add(String.valueOf(result.getObject(1)));
        }
        assertThat(values).hasSize(2).allMatch(value -> value.startsWith("2024-03-01"));
      }
      assertThat(rows(statement.executeQuery("SHOW SOURCES"))).isNotEmpty();
      assertThat(rows(statement.executeQuery("SHOW LOADS"))).isNotEmpty();
    }
  }

  @Test
  void answersTheMetadataCallsDbeaverMakes() throws Exception {
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE SOURCE meta_csv TYPE FILES WITH (location = '" + orders + "')");
      statement.executeQuery("LOAD meta_csv INTO iceberg.meta.orders WITH DISPOSITION REPLACE");
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(metadata.getDatabaseProductName()).isNotBlank();
      assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
      assertThat(metadata.getSQLKeywords()).isNotNull();
      assertThat(metadata.getMaxColumnsInTable()).isGreaterThanOrEqualTo(0);
      // The 18.3 driver answers getTypeInfo itself (Avatica's empty, 18-column result).
      try (ResultSet types = metadata.getTypeInfo()) {
        assertThat(types.getMetaData().getColumnCount()).isEqualTo(18);
      }
      assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).contains("iceberg");
      assertThat(column(metadata.getSchemas(), "TABLE_SCHEM")).contains("meta");
      assertThat(column(metadata.getSchemas("iceberg", "me%"), "TABLE_SCHEM"))
          .containsExactly("meta");
      assertThat(column(metadata.getTables("iceberg", "meta", "%", null), "TABLE_NAME"))
          .containsExactly("orders");
      try (ResultSet columns = metadata.getColumns("iceberg", "meta", "orders", "%")) {
        List<String> described = new ArrayList<>();
        while (columns.next()) {
          described.add(columns.getString("COLUMN_NAME") + " " + columns.getString("TYPE_NAME"));
        }
        assertThat(described).contains("order_id BIGINT", "zip VARCHAR");
      }
      assertThat(column(metadata.getPrimaryKeys("iceberg", "meta", "orders"), "COLUMN_NAME"))
          .isEmpty();
      assertThat(column(metadata.getImportedKeys("iceberg", "meta", "orders"), "PKCOLUMN_NAME"))
          .isEmpty();
    }
  }

  @Test
  void rejectsAWrongPasswordAndKeepsServing() throws Exception {
    assertThatThrownBy(() -> server.connect(TidewaterServerFixture.USER, "wrong").close())
        .isInstanceOf(SQLException.class);
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      assertThat(rows(statement.executeQuery("SELECT 1 + 1"))).containsExactly(List.of(2));
    }
  }

  @Test
  void badInputGetsAClearErrorAndCommitsNothing() throws Exception {
    Path ragged = temp.resolve("ragged.csv");
    Files.writeString(ragged, "id,qty\n1,5\n2,6,7\n3,8\n");
    Path texts = temp.resolve("texts.csv");
    Files.writeString(texts, "id,qty\n1,many\n");
    Path good = temp.resolve("good.csv");
    Files.writeString(good, "id,qty\n1,5\n2,6\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE good TYPE FILES WITH (location = '" + good + "')");
      statement.executeQuery("LOAD good INTO iceberg.bad.target WITH DISPOSITION APPEND");

      assertThatThrownBy(() -> statement.executeQuery("SELEC 1"))
          .hasMessageContaining("line 1, column 1");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD nope INTO iceberg.bad.target WITH DISPOSITION APPEND"))
          .hasMessageContaining("unknown source 'nope'");
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM iceberg.bad.missing"))
          .hasMessageContaining("missing");

      statement.execute(
          "CREATE SOURCE nothing TYPE FILES WITH (location = '"
              + temp.resolve("none/*.csv")
              + "')");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD nothing INTO iceberg.bad.target WITH DISPOSITION APPEND"))
          .hasMessageContaining("none");

      statement.execute("CREATE SOURCE ragged TYPE FILES WITH (location = '" + ragged + "')");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD ragged INTO iceberg.bad.target WITH DISPOSITION APPEND"))
          .hasMessageContaining("ragged.csv:3");

      statement.execute("CREATE SOURCE texts TYPE FILES WITH (location = '" + texts + "')");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD texts INTO iceberg.bad.target WITH DISPOSITION REPLACE"))
          .hasMessageContaining("qty")
          .hasMessageContaining("VARCHAR")
          .hasMessageContaining("BIGINT");

      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD good INTO iceberg.bad.target WITH DISPOSITION APPEND"
                          + " AT BRANCH 'audit'"))
          .hasMessageContaining("not supported yet");

      // Nothing of the failed loads landed, and the server still serves.
      assertThat(rows(statement.executeQuery("SELECT count(*), sum(qty) FROM iceberg.bad.target")))
          .containsExactly(List.of(2L, 11L));
    }
  }

  @Test
  void errorsDoNotQuoteSecretsBackToTheClient() throws Exception {
    String sql =
        "CREATE SOURCE leaky TYPE FILES WITH (location = '"
            + orders
            + "', 's3.secret-access-key' 'wJalrXUtnFEMI-K7MDENG')";
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      Throwable error = catchThrowable(() -> statement.execute(sql));
      // The JDBC driver quotes the statement it sent; what the server answered follows it. The
      // parser's message quotes the unexpected token: here the secret itself.
      String answer = error.getMessage().replace(sql, "");
      assertThat(answer).contains("syntax error", "***").doesNotContain("wJalrXUtnFEMI-K7MDENG");
    }
  }

  private static List<List<Object>> rows(ResultSet resultSet) throws SQLException {
    try (resultSet) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = resultSet.getMetaData().getColumnCount();
      while (resultSet.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(resultSet.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static List<String> column(ResultSet resultSet, String name) throws SQLException {
    try (resultSet) {
      List<String> values = new ArrayList<>();
      while (resultSet.next()) {
        values.add(resultSet.getString(name));
      }
      return values;
    }
  }
}
