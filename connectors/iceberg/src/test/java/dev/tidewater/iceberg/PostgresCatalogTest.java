package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.testing.RequiredService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Iceberg's JDBC catalog on a real PostgreSQL server, configured as a user's file would. */
class PostgresCatalogTest {
  private static EmbeddedPostgres postgres;

  @TempDir Path warehouse;

  @BeforeAll
  static void startPostgres() {
    postgres = RequiredService.start("embedded PostgreSQL", () -> EmbeddedPostgres.start());
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void createsAppendsAndReadsBackThroughTheJdbcCatalogOnPostgres() throws Exception {
    Map<String, String> properties =
        Map.of(
            "type", "jdbc",
            "uri", postgres.getJdbcUrl("postgres", "postgres"),
            "jdbc.user", "postgres",
            "jdbc.password", "postgres",
            "jdbc.schema-version", "V1",
            "warehouse", warehouse.toUri().toString());
    TableIdentifier orders = TableIdentifier.of("sales", "orders");
    try (BufferAllocator allocator = new RootAllocator();
        CatalogRegistry registry = CatalogRegistry.create(Map.of("archive", properties))) {
      Catalog catalog = registry.catalog("archive");
      assertThat(catalog).isInstanceOf(JdbcCatalog.class);

      Table table = CatalogRoundTrip.run(catalog, orders, allocator);
      assertThat(allocator.getAllocatedMemory()).isZero();

      // The catalog's state is in PostgreSQL: Iceberg's own table points at the current metadata.
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT catalog_name, table_namespace, table_name, metadata_location"
                      + " FROM iceberg_tables")) {
        List<List<String>> tables = new ArrayList<>();
        while (rows.next()) {
          tables.add(
              List.of(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
        }
        assertThat(tables)
            .containsExactly(
                List.of(
                    "archive",
                    "sales",
                    "orders",
                    ((HasTableOperations) table).operations().current().metadataFileLocation()));
      }
    }
  }
}
