package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatusCode;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADBC's Flight SQL driver (Arrow in, Arrow out) against a real server: load, query, errors. */
class AdbcEndToEndTest {
  @TempDir Path temp;

  @Test
  void loadsAndQueriesOverAdbc() throws Exception {
    Path orders = temp.resolve("orders.csv");
    Files.writeString(
        orders, "order_id,customer,amount\n1,Ada,12.50\n2,Grace,7.25\n3,Lin,100.00\n");
    try (TidewaterServerFixture server = new TidewaterServerFixture(temp.resolve("data"));
        BufferAllocator allocator = new RootAllocator()) {
      try (AdbcDatabase database =
              new FlightSqlDriver(allocator)
                  .open(
                      parameters(
                          server, TidewaterServerFixture.USER, TidewaterServerFixture.PASSWORD));
          AdbcConnection connection = database.connect()) {
        update(connection, "CREATE SOURCE orders TYPE FILES WITH (location = '" + orders + "')");

        List<Map<String, Object>> load =
            query(connection, "LOAD orders INTO iceberg.adbc.orders WITH DISPOSITION APPEND");
        assertThat(load).hasSize(1);
        assertThat(load.get(0))
            .containsEntry("status", "SUCCEEDED")
            .containsEntry("rows_read", 3L)
            .containsEntry("rows_written", 3L)
            .containsEntry("rows_rejected", 0L);

        // The result arrives as Arrow vectors with the table's types.
        try (AdbcStatement statement = connection.createStatement()) {
          statement.setSqlQuery(
              "SELECT order_id, customer, amount FROM adbc.orders WHERE amount > 10"
                  + " ORDER BY order_id");
          try (AdbcStatement.QueryResult result = statement.executeQuery()) {
            ArrowReader reader = result.getReader();
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            assertThat(schema.getFields())
                .extracting(Field::getName)
                .containsExactly("order_id", "customer", "amount");
            assertThat(schema.findField("amount").getType())
                .isEqualTo(new ArrowType.Decimal(18, 2, 128));
            List<Long> ids = new ArrayList<>();
            List<String> customers = new ArrayList<>();
            List<BigDecimal> amounts = new ArrayList<>();
            while (reader.loadNextBatch()) {
              VectorSchemaRoot root = reader.getVectorSchemaRoot();
              BigIntVector id = (BigIntVector) root.getVector("order_id");
              VarCharVector customer = (VarCharVector) root.getVector("customer");
              DecimalVector amount = (DecimalVector) root.getVector("amount");
              for (int row = 0; row < root.getRowCount(); row++) {
                ids.add(id.get(row));
                customers.add(customer.getObject(row).toString());
                amounts.add(amount.getObject(row));
              }
            }
            assertThat(ids).containsExactly(1L, 3L);
            assertThat(customers).containsExactly("Ada", "Lin");
            assertThat(amounts).containsExactly(new BigDecimal("12.50"), new BigDecimal("100.00"));
          }
        }

        // The Java driver builds getObjects from GetCatalogs, GetDbSchemas and GetTables. Depth
        // TABLES, not ALL: for columns it calls flight-sql-jdbc-core's SqlTypes, a class that the
        // shaded JDBC driver on this test class path also holds, with another signature.
        List<String> objects = new ArrayList<>();
        try (ArrowReader reader =
            connection.getObjects(
                AdbcConnection.GetObjectsDepth.TABLES, "iceberg", "adbc", "%", null, null)) {
          while (reader.loadNextBatch()) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            for (int row = 0; row < root.getRowCount(); row++) {
              objects.add(
                  root.getVector("catalog_name").getObject(row)
                      + " "
                      + root.getVector("catalog_db_schemas").getObject(row));
            }
          }
        }
        assertThat(objects).hasSize(1);
        assertThat(objects.get(0))
            .startsWith("iceberg ")
            .contains("\"db_schema_name\":\"adbc\"")
            .contains("\"table_name\":\"orders\"")
            .contains("\"table_type\":\"TABLE\"");

        // A user error keeps its kind and the server's message with the position.
        assertThatThrownBy(() -> query(connection, "SELECT nope FROM adbc.orders"))
            .isInstanceOfSatisfying(
                AdbcException.class,
                e -> assertThat(e.getStatus()).isEqualTo(AdbcStatusCode.INVALID_ARGUMENT))
            .hasMessageContaining("Column 'nope' not found in any table (at line 1, column 8)");
      }

      assertThatThrownBy(
              () -> {
                try (AdbcDatabase database =
                        new FlightSqlDriver(allocator)
                            .open(parameters(server, TidewaterServerFixture.USER, "wrong-Pa55"));
                    AdbcConnection connection = database.connect()) {
                  query(connection, "SELECT 1");
                }
              })
          .isInstanceOfSatisfying(
              AdbcException.class,
              e -> assertThat(e.getStatus()).isEqualTo(AdbcStatusCode.UNAUTHENTICATED))
          .hasMessageContaining("invalid user or password")
          .hasMessageNotContaining("wrong-Pa55");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  private static Map<String, Object> parameters(
      TidewaterServerFixture server, String user, String password) {
    Map<String, Object> parameters = new HashMap<>();
    AdbcDriver.PARAM_URI.set(parameters, "grpc+tcp://127.0.0.1:" + server.port());
    AdbcDriver.PARAM_USERNAME.set(parameters, user);
    AdbcDriver.PARAM_PASSWORD.set(parameters, password);
    return parameters;
  }

  private static void update(AdbcConnection connection, String sql) throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      statement.executeUpdate();
    }
  }

  /** Every row of a query, each as column name to value. */
  private static List<Map<String, Object>> query(AdbcConnection connection, String sql)
      throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (reader.loadNextBatch()) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          for (int row = 0; row < root.getRowCount(); row++) {
            Map<String, Object> values = new HashMap<>();
            for (FieldVector vector : root.getFieldVectors()) {
              Object value = vector.getObject(row);
              values.put(
                  vector.getName(),
                  value instanceof org.apache.arrow.vector.util.Text text
                      ? text.toString()
                      : value);
            }
            rows.add(values);
          }
        }
        return rows;
      }
    }
  }
}
