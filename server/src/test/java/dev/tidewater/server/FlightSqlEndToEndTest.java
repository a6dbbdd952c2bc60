package dev.tidewater.server;

import static dev.tidewater.server.JdbcRows.column;
import static dev.tidewater.server.JdbcRows.rows;
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
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
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
      // The MERGE keys are the table's identifier fields: its primary key for clients.
      try (ResultSet keys = connection.getMetaData().getPrimaryKeys("iceberg", "crm", "people")) {
        assertThat(keys.next()).isTrue();
        assertThat(keys.getString("TABLE_CAT")).isEqualTo("iceberg");
        assertThat(keys.getString("TABLE_SCHEM")).isEqualTo("crm");
        assertThat(keys.getString("TABLE_NAME")).isEqualTo("people");
        assertThat(keys.getString("COLUMN_NAME")).isEqualTo("id");
        assertThat(keys.getInt("KEY_SEQ")).isEqualTo(1);
        assertThat(keys.next()).isFalse();
      }
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
      statement.execute(
          "CREATE CONTRACT meta_orders (order_id BIGINT NOT NULL, customer VARCHAR,"
              + " amount DECIMAL(10,2), status VARCHAR, zip VARCHAR, ordered_at TIMESTAMP)"
              // freeze: the table takes the contract's DECIMAL(10,2), not the source's (18,2)
              + " WITH (data_type = 'freeze')");
      statement
          .executeQuery(
              "LOAD meta_csv INTO iceberg.meta.orders WITH DISPOSITION REPLACE"
                  + " USING CONTRACT meta_orders")
          .close();
      statement
          .executeQuery("LOAD meta_csv INTO iceberg.meta_two.orders_copy WITH DISPOSITION REPLACE")
          .close();
      DatabaseMetaData metadata = connection.getMetaData();

      // What the server declares in GetSqlInfo.
      assertThat(metadata.getDatabaseProductName()).isEqualTo("Tidewater");
      assertThat(metadata.getDatabaseProductVersion()).isNotBlank();
      assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
      assertThat(List.of(metadata.getSQLKeywords().split(",\\s*")))
          .contains("LOAD", "SOURCE", "CONTRACT", "QUARANTINE", "INCREMENTAL", "DISPOSITION")
          .doesNotContain("SELECT");
      assertThat(metadata.getSchemaTerm()).isEqualTo("namespace");
      assertThat(metadata.getCatalogTerm()).isEqualTo("catalog");
      assertThat(metadata.isReadOnly()).isFalse();
      assertThat(metadata.supportsTransactions()).isFalse();
      assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);
      // JDBC's 0: no limit the server knows of.
      assertThat(metadata.getMaxColumnsInTable()).isZero();
      assertThat(metadata.getMaxStatementLength()).isZero();
      assertThat(metadata.getMaxTableNameLength()).isZero();
      assertThat(metadata.getMaxConnections()).isEqualTo(1_000); // the endpoint's session limit
      assertThat(metadata.getNumericFunctions()).contains("ABS");
      assertThat(metadata.getStringFunctions()).contains("SUBSTRING");
      assertThat(metadata.supportsConvert(Types.VARCHAR, Types.DECIMAL)).isTrue();

      // The 18.3 driver answers getTypeInfo with Avatica's empty 18-column result and sends no
      // RPC; the server's GetXdbcTypeInfo is checked over plain Flight SQL below.
      try (ResultSet types = metadata.getTypeInfo()) {
        assertThat(types.getMetaData().getColumnCount()).isEqualTo(18);
        assertThat(types.next()).isFalse();
      }

      assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("iceberg");
      try (ResultSet schemas = metadata.getSchemas("iceberg", "meta%")) {
        List<String> found = new ArrayList<>();
        while (schemas.next()) {
          found.add(schemas.getString("TABLE_CATALOG") + "." + schemas.getString("TABLE_SCHEM"));
        }
        assertThat(found).containsExactlyInAnyOrder("iceberg.meta", "iceberg.meta_two");
      }
      assertThat(column(metadata.getSchemas(), "TABLE_SCHEM")).contains("meta", "meta_two");
      assertThat(column(metadata.getTableTypes(), "TABLE_TYPE"))
          .containsExactlyInAnyOrder("TABLE", "SYSTEM TABLE");
      try (ResultSet tables = metadata.getTables("iceberg", "meta%", "%", new String[] {"TABLE"})) {
        List<String> found = new ArrayList<>();
        while (tables.next()) {
          found.add(
              tables.getString("TABLE_SCHEM")
                  + "."
                  + tables.getString("TABLE_NAME")
                  + " "
                  + tables.getString("TABLE_TYPE"));
        }
        assertThat(found)
            .containsExactlyInAnyOrder("meta.orders TABLE", "meta_two.orders_copy TABLE");
      }

      try (ResultSet columns = metadata.getColumns("iceberg", "meta", "orders", "%")) {
        List<String> names = new ArrayList<>();
        while (columns.next()) {
          String name = columns.getString("COLUMN_NAME");
          names.add(name);
          assertThat(columns.getInt("ORDINAL_POSITION")).isEqualTo(names.size());
          switch (name) {
            case "order_id" -> {
              assertThat(columns.getString("TYPE_NAME")).isEqualTo("BIGINT");
              assertThat(columns.getInt("DATA_TYPE")).isEqualTo(Types.BIGINT);
            }
            case "amount" -> {
              assertThat(columns.getString("TYPE_NAME")).isEqualTo("DECIMAL");
              assertThat(columns.getInt("DATA_TYPE")).isEqualTo(Types.DECIMAL);
              assertThat(columns.getInt("COLUMN_SIZE")).isEqualTo(10);
              assertThat(columns.getInt("DECIMAL_DIGITS")).isEqualTo(2);
            }
            case "ordered_at" -> {
              assertThat(columns.getString("TYPE_NAME")).isEqualTo("TIMESTAMP");
              assertThat(columns.getInt("DATA_TYPE")).isEqualTo(Types.TIMESTAMP);
              assertThat(columns.getInt("DECIMAL_DIGITS")).isEqualTo(6); // microseconds
            }
            default -> {
              assertThat(columns.getString("TYPE_NAME")).isEqualTo("VARCHAR");
              assertThat(columns.getInt("DATA_TYPE")).isEqualTo(Types.VARCHAR);
            }
          }
        }
        assertThat(names)
            .containsExactly("order_id", "customer", "amount", "status", "zip", "ordered_at");
      }
      // Result set metadata carries the same precision and scale.
      try (ResultSet result = statement.executeQuery("SELECT amount FROM meta.orders")) {
        assertThat(result.getMetaData().getPrecision(1)).isEqualTo(10);
        assertThat(result.getMetaData().getScale(1)).isEqualTo(2);
      }

      // A table loaded without MERGE has no keys. The 18.3 driver shows an empty answer without
      // columns (it names them only in a batch with rows); plain Flight SQL shows the shapes.
      try (ResultSet keys = metadata.getPrimaryKeys("iceberg", "meta", "orders")) {
        assertThat(keys.next()).isFalse();
      }
      try (ResultSet keys = metadata.getImportedKeys("iceberg", "meta", "orders")) {
        assertThat(keys.next()).isFalse();
      }
    }
  }

  @Test
  void answersMetadataOverPlainFlightSql() throws Exception {
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE SOURCE keys_csv TYPE FILES WITH (location = '" + orders + "')");
      statement
          .executeQuery("LOAD keys_csv INTO iceberg.keys.orders WITH DISPOSITION REPLACE")
          .close();
    }
    try (BufferAllocator allocator = new RootAllocator();
        FlightClient client =
            FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
                .build();
        FlightSqlClient sql = new FlightSqlClient(client)) {
      CredentialCallOption bearer =
          client
              .authenticateBasicToken(TidewaterServerFixture.USER, TidewaterServerFixture.PASSWORD)
              .orElseThrow();
      TableRef orders = TableRef.of("iceberg", "keys", "orders");

      FlightInfo primaryKeys = sql.getPrimaryKeys(orders, bearer);
      assertThat(primaryKeys.getSchemaOptional())
          .contains(FlightSqlProducer.Schemas.GET_PRIMARY_KEYS_SCHEMA);
      assertThat(values(sql, primaryKeys, bearer, "column_name")).isEmpty();
      FlightInfo importedKeys = sql.getImportedKeys(orders, bearer);
      assertThat(importedKeys.getSchemaOptional())
          .contains(FlightSqlProducer.Schemas.GET_IMPORTED_KEYS_SCHEMA);
      assertThat(values(sql, importedKeys, bearer, "pk_column_name")).isEmpty();

      // The type list that the 18.3 JDBC driver never asks for.
      FlightInfo types = sql.getXdbcTypeInfo(bearer);
      assertThat(values(sql, types, bearer, "type_name"))
          .contains("BIGINT", "DECIMAL", "VARCHAR", "TIMESTAMP", "BOOLEAN", "DATE");
      assertThat(values(sql, sql.getXdbcTypeInfo(Types.DECIMAL, bearer), bearer, "type_name"))
          .containsExactly("DECIMAL");
    }
  }

  /** The values of one column of a Flight SQL answer, as text. */
  private static List<String> values(
      FlightSqlClient sql, FlightInfo info, CredentialCallOption bearer, String column)
      throws Exception {
    List<String> values = new ArrayList<>();
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      try (FlightStream stream = sql.getStream(endpoint.getTicket(), bearer)) {
        while (stream.next()) {
          FieldVector vector = stream.getRoot().getVector(column);
          for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
            values.add(String.valueOf(vector.getObject(row)));
          }
        }
      }
    }
    return values;
  }

  @Test
  void rejectsAWrongPasswordAndKeepsServing() throws Exception {
    assertThatThrownBy(() -> server.connect(TidewaterServerFixture.USER, "wrong-Pa55").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("UNAUTHENTICATED: invalid user or password")
        .hasMessageNotContaining("wrong-Pa55");
    assertThatThrownBy(() -> server.connect("nobody", TidewaterServerFixture.PASSWORD).close())
        .hasMessageContaining("UNAUTHENTICATED: invalid user or password")
        .hasMessageNotContaining(TidewaterServerFixture.PASSWORD);
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      assertThat(rows(statement.executeQuery("SELECT 1 + 1"))).containsExactly(List.of(2));
    }
  }

  @Test
  void clausesNotSupportedYetAnswerAUserErrorAtTheirPosition() throws Exception {
    Path small = temp.resolve("small.csv");
    Files.writeString(small, "id,qty\n1,5\n");
    try (Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SOURCE small TYPE FILES WITH (location = '" + small + "')");
      statement.executeQuery("LOAD small INTO iceberg.later.t WITH DISPOSITION APPEND").close();

      // A LOAD's query is checked like any query, at its own position.
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD (SELECT nope FROM later.t) INTO iceberg.later.copy"
                          + " WITH DISPOSITION APPEND"))
          .hasMessageContaining("nope");
      // Write-audit-publish faults name their position too.
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD small INTO iceberg.later.missing WITH DISPOSITION APPEND\n"
                          + "AT BRANCH 'audit'"))
          .hasMessageContaining("AT BRANCH 'audit': table iceberg.later.missing does not exist")
          .hasMessageContaining("(at line 2, column 11)");
      assertThatThrownBy(() -> statement.execute("PUBLISH BRANCH 'audit' OF iceberg.later.t"))
          .hasMessageContaining("table iceberg.later.t has no branch 'audit' (branches: main)")
          .hasMessageContaining("(at line 1, column 16)");
      assertThatThrownBy(() -> statement.execute("  DROP BRANCH 'audit' OF later.t"))
          .hasMessageContaining("has no branch 'audit'")
          .hasMessageContaining("(at line 1, column 15)");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "SELECT * FROM later.t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01 00:00:00'"))
          .hasMessageContaining("(at line 1, column 15)")
          .hasMessageNotContaining("internal error");

      // Nothing changed, and the server still serves.
      assertThat(rows(statement.executeQuery("SELECT id, qty FROM later.t")))
          .containsExactly(List.of(1L, 5L));
      assertThat(rows(statement.executeQuery("SHOW TABLES IN iceberg.later")))
          .extracting(row -> row.get(2))
          .containsExactly("t");
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
      // The driver's message repeats the statement, so assert the server's words and position.
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM iceberg.bad.missing"))
          .hasMessageContaining(
              "Object 'missing' not found within 'iceberg.bad' (at line 1, column 15)");

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

      Path broken = temp.resolve("broken.jsonl");
      Files.writeString(
          broken, "{\"id\": 3, \"qty\": 1}\n{\"id\": 4, \"qty\": 2,,}\n{\"id\": 5, \"qty\": 3}\n");
      statement.execute("CREATE SOURCE broken TYPE FILES WITH (location = '" + broken + "')");
      assertThatThrownBy(
              () ->
                  statement.executeQuery(
                      "LOAD broken INTO iceberg.bad.target WITH DISPOSITION APPEND"))
          .hasMessageContaining("broken.jsonl:2: malformed JSON");

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
}
