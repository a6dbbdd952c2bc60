package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.iceberg.testing.RestCatalogService;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog named in the configuration file, as a user writes it: the server wires a REST catalog
 * {@code lake} next to the embedded one, and SQL over the Flight SQL JDBC driver creates a
 * namespace in it and loads a table into it.
 */
class ConfiguredCatalogEndToEndTest {
  @RegisterExtension
  static final RequiredService<RestCatalogService> REST =
      RequiredService.of("the Iceberg REST catalog server", new RestCatalogService());

  @Test
  void loadsIntoARestCatalogFromTheConfigurationFile(@TempDir Path temp) throws Exception {
    Path file = temp.resolve("tidewater.yaml");
    Files.writeString(
        file,
        """
        data-dir: %s
        catalogs:
          lake:
            type: rest
            uri: ${env:LAKE_URI}
        """
            .formatted(temp.resolve("data")));
    TidewaterConfig config =
        TidewaterConfig.load(file, Map.of("LAKE_URI", REST.service().uri())::get);
    Path orders = temp.resolve("orders.csv");
    Files.writeString(orders, "order_id,amount,status\n1,12.50,new\n2,7.25,paid\n3,100.00,paid\n");

    try (TidewaterServerFixture server = new TidewaterServerFixture(config);
        Connection connection = server.connect();
        Statement statement = connection.createStatement()) {
      assertThat(rows(statement.executeQuery("SHOW CATALOGS")))
          .containsExactlyInAnyOrder(List.of("iceberg"), List.of("lake"));

      statement.execute("CREATE NAMESPACE lake.sales");
      assertThat(rows(statement.executeQuery("SHOW NAMESPACES IN lake")))
          .containsExactly(List.of("lake", "sales"));

      statement.execute(
          "CREATE SOURCE orders_csv TYPE FILES WITH (location = '" + orders + "', format = 'csv')");
      List<List<Object>> load =
          rows(statement.executeQuery("LOAD orders_csv INTO lake.sales.t WITH DISPOSITION APPEND"));
      assertThat(load).hasSize(1);
      assertThat(load.get(0).subList(1, 5)).containsExactly("SUCCEEDED", 3L, 3L, 0L);

      assertThat(
              rows(
                  statement.executeQuery(
                      "SELECT status, count(*), sum(amount) FROM lake.sales.t"
                          + " GROUP BY status ORDER BY status")))
          .containsExactly(
              List.of("new", 1L, new BigDecimal("12.50")),
              List.of("paid", 2L, new BigDecimal("107.25")));
      assertThat(
              server
                  .tidewater()
                  .engine()
                  .catalogs()
                  .catalog("iceberg")
                  .tableExists(TableIdentifier.of("sales", "t")))
          .as("the embedded catalog has no such table")
          .isFalse();
    }

    // The table is in the REST catalog: another client of that server reads it with Iceberg's
    // own generic reader.
    try (CatalogRegistry registry =
        CatalogRegistry.create(Map.of("lake", REST.service().catalogProperties()))) {
      assertThat(registry.catalog("lake")).isInstanceOf(RESTCatalog.class);
      Table table = registry.catalog("lake").loadTable(TableIdentifier.of("sales", "t"));
      List<Object> ids = new ArrayList<>();
      try (CloseableIterable<Record> read = IcebergGenerics.read(table).build()) {
        read.forEach(record -> ids.add(record.getField("order_id")));
      }
      assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L);
      assertThat(table.currentSnapshot().summary()).containsKey("tidewater.load-id");
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
}
