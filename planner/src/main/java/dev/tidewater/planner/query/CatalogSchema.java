package dev.tidewater.planner.query;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;

/** One Iceberg catalog: its top-level namespaces are sub-schemas. */
final class CatalogSchema extends AbstractSchema {
  private final Catalog catalog;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final ScanMetrics metrics;

  CatalogSchema(Catalog catalog, BufferAllocator allocator, int batchRows, ScanMetrics metrics) {
    this.catalog = catalog;
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.metrics = metrics;
  }

  @Override
  protected Map<String, Schema> getSubSchemaMap() {
    Map<String, Schema> namespaces = new LinkedHashMap<>();
    if (catalog instanceof SupportsNamespaces supports) {
      for (Namespace namespace : supports.listNamespaces()) {
        namespaces.put(
            String.join(".", namespace.levels()),
            new NamespaceSchema(catalog, namespace, allocator, batchRows, metrics));
      }
    }
    return namespaces;
  }

  Map<String, Schema> namespaces() {
    return getSubSchemaMap();
  }
}
