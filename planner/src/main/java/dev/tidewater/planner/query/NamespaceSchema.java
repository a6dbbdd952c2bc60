package dev.tidewater.planner.query;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/** The tables of one Iceberg namespace, looked up in the catalog when a query names them. */
final class NamespaceSchema extends AbstractSchema {
  private final Catalog catalog;
  private final Namespace namespace;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final ScanMetrics metrics;

  NamespaceSchema(
      Catalog catalog,
      Namespace namespace,
      BufferAllocator allocator,
      int batchRows,
      ScanMetrics metrics) {
    this.catalog = catalog;
    this.namespace = namespace;
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.metrics = metrics;
  }

  @Override
  public Lookup<Table> tables() {
    return new Lookup<>() {
      @Override
      public Table get(String name) {
        try {
          return new IcebergQueryTable(
              catalog.loadTable(TableIdentifier.of(namespace, name)),
              allocator,
              batchRows,
              metrics);
        } catch (NoSuchTableException e) {
          return null;
        }
      }

      @Override
      public Named<Table> getIgnoreCase(String name) {
        for (String candidate : tableNames()) {
          if (candidate.equalsIgnoreCase(name)) {
            Table table = get(candidate);
            return table == null ? null : new Named<>(candidate, table);
          }
        }
        return null;
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : tableNames()) {
          if (pattern.matcher().apply(name)) {
            names.add(name);
          }
        }
        return names;
      }
    };
  }

  private Set<String> tableNames() {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (TableIdentifier id : catalog.listTables(namespace)) {
        names.add(id.name());
      }
    } catch (NoSuchNamespaceException e) {
      // dropped meanwhile: no tables
    }
    return names;
  }
}
