package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogRegistryTest {
  @TempDir Path dataDir;

  @Test
  void embeddedDefaultIsAJdbcCatalogOnSqlite() {
    Map<String, String> properties = CatalogRegistry.embeddedDefault(dataDir.resolve("data"));
    assertThat(properties)
        .containsEntry("type", "jdbc")
        .containsEntry("uri", "jdbc:sqlite:" + dataDir.resolve("data/catalog.db"))
        .containsEntry("warehouse", dataDir.resolve("data/warehouse").toUri().toString())
        .containsEntry("jdbc.schema-version", "V1")
        .containsEntry("clients", "1");

    try (CatalogRegistry registry = CatalogRegistry.create(Map.of("Iceberg", properties))) {
      assertThat(registry.names()).containsExactly("iceberg");
      Catalog catalog = registry.catalog("ICEBERG");
      assertThat(catalog).isInstanceOf(JdbcCatalog.class).isSameAs(registry.catalog("iceberg"));

      Table table =
          Tables.createOrLoad(
              catalog,
              TableIdentifier.of("sales", "orders"),
              ArrowSchemas.toIceberg(AllTypes.SCHEMA),
              PartitionSpec.unpartitioned(),
              Map.of("comment", "orders"));
      assertThat(((SupportsNamespaces) catalog).namespaceExists(Namespace.of("sales"))).isTrue();
      assertThat(((HasTableOperations) table).operations().current().formatVersion()).isEqualTo(2);
      assertThat(table.properties())
          .containsEntry("write.parquet.compression-codec", "zstd")
          .containsEntry("comment", "orders");
      assertThat(table.location()).startsWith(properties.get("warehouse"));
      // loading again returns the existing table
      assertThat(
              Tables.createOrLoad(
                      catalog,
                      TableIdentifier.of("sales", "orders"),
                      ArrowSchemas.toIceberg(AllTypes.SCHEMA),
                      PartitionSpec.unpartitioned(),
                      Map.of())
                  .uuid())
          .isEqualTo(table.uuid());
    }
    assertThat(Files.exists(dataDir.resolve("data/catalog.db"))).isTrue();
  }

  @Test
  void unknownCatalogNamesTheConfiguredOnes() {
    try (CatalogRegistry registry =
        CatalogRegistry.create(
            Map.of(
                "lake", Map.of("type", "jdbc", "uri", "jdbc:sqlite::memory:"),
                "iceberg", CatalogRegistry.embeddedDefault(dataDir)))) {
      assertThatThrownBy(() -> registry.catalog("nope"))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessage("unknown catalog 'nope' (catalogs: iceberg, lake)");
    }
  }

  @Test
  void rejectsNamesThatDifferOnlyInCase() {
    assertThatThrownBy(
            () ->
                CatalogRegistry.create(
                    Map.of("lake", Map.of("type", "rest"), "LAKE", Map.of("type", "rest"))))
        .isInstanceOf(TidewaterException.class)
        .hasMessageContaining("configured twice");
  }

  @Test
  void misconfiguredCatalogIsAUserError() {
    try (CatalogRegistry registry =
        CatalogRegistry.create(Map.of("odd", Map.of("type", "no-such-type")))) {
      assertThatThrownBy(() -> registry.catalog("odd"))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessageContaining("catalog 'odd' is misconfigured");
    }
  }

  @Test
  void hadoopCatalogOnALocalDirectory() {
    try (BufferAllocator allocator = new RootAllocator();
        CatalogRegistry registry =
            CatalogRegistry.create(
                Map.of(
                    "files",
                    Map.of("type", "hadoop", "warehouse", dataDir.resolve("tables").toString())))) {
      Catalog catalog = registry.catalog("files");
      assertThat(catalog).isInstanceOf(HadoopCatalog.class);
      Table table = CatalogRoundTrip.run(catalog, TableIdentifier.of("sales", "orders"), allocator);
      assertThat(table.location()).endsWith("tables/sales/orders");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void glueCatalogIsOnTheClassPath() {
    // Building the catalog makes no request; Glue itself cannot run in process.
    try (CatalogRegistry registry =
        CatalogRegistry.create(
            Map.of(
                "glue",
                Map.of(
                    "type", "glue",
                    "warehouse", "s3://lake/warehouse",
                    "client.region", "eu-west-1",
                    "s3.access-key-id", "tidewater",
                    "s3.secret-access-key", "not-used")))) {
      assertThat(registry.catalog("glue").getClass().getName())
          .isEqualTo("org.apache.iceberg.aws.glue.GlueCatalog");
    }
  }

  @Test
  void nessieCatalogIsOnTheClassPath() {
    // Nothing listens on port 1 of the loopback address: the catalog builds, and its first
    // request fails to connect.
    try (CatalogRegistry registry =
        CatalogRegistry.create(
            Map.of(
                "versioned",
                Map.of(
                    "type", "nessie",
                    "uri", "http://127.0.0.1:1/api/v2",
                    "warehouse", dataDir.toUri().toString())))) {
      Catalog catalog = registry.catalog("versioned");
      assertThat(catalog.getClass().getName()).isEqualTo("org.apache.iceberg.nessie.NessieCatalog");
      assertThatThrownBy(() -> ((SupportsNamespaces) catalog).listNamespaces())
          .hasMessage("Failed to execute GET request against 'http://127.0.0.1:1/api/v2/trees/-'.")
          .hasRootCauseInstanceOf(ClosedChannelException.class);
    }
  }

  @Test
  void aHiveCatalogWithoutItsPluginSaysWhichPluginIsMissing() {
    try (CatalogRegistry registry =
        CatalogRegistry.create(
            Map.of("metastore", Map.of("type", "hive", "uri", "thrift://127.0.0.1:1")))) {
      assertThatThrownBy(() -> registry.catalog("metastore"))
          .isInstanceOfSatisfying(
              TidewaterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.USER))
          .hasMessage(
              "catalog 'metastore' needs plugin 'hive', which is not installed: no directory"
                  + " plugins/hive (plugins there: none)");
    }
  }
}
