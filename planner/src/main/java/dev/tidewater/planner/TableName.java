package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * A fully resolved Iceberg table name. Three or more parts are {@code catalog.namespace.table} when
 * the first part names a catalog; two parts are {@code namespace.table} in the session's catalog;
 * one part uses the session's namespace too.
 */
public record TableName(String catalog, Namespace namespace, String table) {
  public TableName {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(namespace, "namespace is null");
    requireNonNull(table, "table is null");
  }

  public static TableName resolve(
      List<String> parts, String defaultCatalog, String defaultNamespace, Set<String> catalogs) {
    TidewaterException.check(!parts.isEmpty(), "empty table name");
    if (parts.size() == 1) {
      return new TableName(defaultCatalog, Namespace.of(defaultNamespace), parts.get(0));
    }
    if (parts.size() >= 3 && catalogs.contains(parts.get(0))) {
      String[] namespace = parts.subList(1, parts.size() - 1).toArray(String[]::new);
      return new TableName(parts.get(0), Namespace.of(namespace), parts.get(parts.size() - 1));
    }
    String[] namespace = parts.subList(0, parts.size() - 1).toArray(String[]::new);
    return new TableName(defaultCatalog, Namespace.of(namespace), parts.get(parts.size() - 1));
  }

  public TableIdentifier identifier() {
    return TableIdentifier.of(namespace, table);
  }

  public String namespaceText() {
    return String.join(".", Arrays.asList(namespace.levels()));
  }

  @Override
  public String toString() {
    return catalog + "." + namespaceText() + "." + table;
  }
}
