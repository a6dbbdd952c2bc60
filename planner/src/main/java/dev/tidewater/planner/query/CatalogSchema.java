package dev.tidewater.planner.query;

import dev.tidewater.spi.TidewaterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;

/**
 * One Iceberg catalog: its top-level namespaces are sub-schemas. The catalog is opened when a query
 * first names it, so a catalog that cannot be reached fails only the queries that use it.
 */
final class CatalogSchema extends AbstractSchema {
  private final Supplier<Catalog> catalogs;
  private final BufferAllocator allocator;
  private final int batchRows;
  private volatile TidewaterException failure;
  private final ScanMetrics metrics;

  CatalogSchema(
      Supplier<Catalog> catalog, BufferAllocator allocator, int batchRows, ScanMetrics metrics) {
    this.catalogs = catalog;
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.metrics = metrics;
  }

  /**
   * The namespaces. Calcite lists every schema's sub-schemas while it prepares any query, so a
   * catalog that cannot be opened lists none (and keeps its error for {@link #failure}) rather than
   * fail the queries of other catalogs.
   */
  @Override
  protected Map<String, Schema> getSubSchemaMap() {
    Catalog catalog;
    try {
      catalog = catalogs.get();
      failure = null;
    } catch (TidewaterException e) {
      failure = e;
      return Map.of();
    }
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

  /** Why the catalog could not be opened the last time, or null. */
  TidewaterException failure() {
    return failure;
  }

  Map<String, Schema> namespaces() {
    return getSubSchemaMap();
  }
}
