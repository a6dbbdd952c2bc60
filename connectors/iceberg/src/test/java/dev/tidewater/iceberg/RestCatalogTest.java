package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tidewater.iceberg.testing.RequiredService;
import dev.tidewater.iceberg.testing.RestCatalogService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real Iceberg REST catalog server, configured as a user's file would: {@code type: rest}. */
class RestCatalogTest {
  @RegisterExtension
  static final RequiredService<RestCatalogService> REST =
      RequiredService.of("the Iceberg REST catalog server", new RestCatalogService());

  @Test
  void createsAppendsAndReadsBackThroughTheRestCatalog() throws Exception {
    TableIdentifier orders = TableIdentifier.of("sales", "orders");
    try (BufferAllocator allocator = new RootAllocator();
        CatalogRegistry registry =
            CatalogRegistry.create(Map.of("Lake", REST.service().catalogProperties()))) {
      Catalog catalog = registry.catalog("lake");
      assertThat(catalog).isInstanceOf(RESTCatalog.class);
      assertThat(catalog.name()).isEqualTo("lake");

      Table table = CatalogRoundTrip.run(catalog, orders, allocator);
      assertThat(allocator.getAllocatedMemory()).isZero();

      // The server holds the table: its metadata and data are in the server's warehouse.
      Path location = Path.of(table.location());
      assertThat(location).startsWith(REST.service().warehouse());
      try (Stream<Path> files = Files.walk(location)) {
        assertThat(files.filter(path -> path.toString().endsWith(".parquet"))).hasSize(4);
      }
    }

    // A second client (another gateway node) sees the namespace, the table and its rows.
    try (CatalogRegistry other =
        CatalogRegistry.create(Map.of("lake", REST.service().catalogProperties()))) {
      Catalog catalog = other.catalog("lake");
      assertThat(((SupportsNamespaces) catalog).listNamespaces()).contains(Namespace.of("sales"));
      assertThat(catalog.listTables(Namespace.of("sales"))).contains(orders);
      assertThat(CatalogTestBase.readAll(catalog.loadTable(orders))).hasSize(5);
    }
  }
}
