package dev.tidewater.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** An embedded default catalog in a temporary directory and an allocator that must end empty. */
abstract class CatalogTestBase {
  @TempDir Path dataDir;
  CatalogRegistry registry;
  Catalog catalog;
  BufferAllocator allocator;

  @BeforeEach
  void openCatalog() {
    registry =
        CatalogRegistry.create(
            Map.of(CatalogRegistry.DEFAULT_CATALOG, CatalogRegistry.embeddedDefault(dataDir)));
    catalog = registry.catalog(CatalogRegistry.DEFAULT_CATALOG);
    allocator = new RootAllocator();
  }

  @AfterEach
  void closeCatalog() {
    try {
      assertThat(allocator.getAllocatedMemory()).as("bytes still allocated").isZero();
    } finally {
      allocator.close();
      registry.close();
    }
  }

  Table createTable(
      String name, org.apache.arrow.vector.types.pojo.Schema arrow, PartitionSpec spec) {
    return Tables.createOrLoad(
        catalog, TableIdentifier.of("sales", name), ArrowSchemas.toIceberg(arrow), spec, Map.of());
  }

  /** Every row of the table, read with Iceberg's own generic reader, ordered by {@code id}. */
  static List<Record> readAll(Table table) {
    table.refresh();
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> iterable = IcebergGenerics.read(table).build()) {
      iterable.forEach(record -> records.add(record.copy()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    records.sort(Comparator.comparingLong(record -> (Long) record.getField("id")));
    return records;
  }
}
