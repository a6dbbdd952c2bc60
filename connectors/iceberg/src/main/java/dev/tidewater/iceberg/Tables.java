package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;

/** Creates and loads Iceberg tables. */
public final class Tables {
  /** Properties of every table Tidewater creates, unless the caller sets them. */
  public static final Map<String, String> DEFAULT_PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.PARQUET_COMPRESSION, "zstd",
          // Row groups of 16 MB, not Iceberg's 128 MB: a selective filter skips most of a file by
          // row-group statistics, and a writer buffers less (docs/sql-reference.md, LOAD).
          TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, Long.toString(16L << 20),
          // Concurrent loads into one table conflict; give them more room than Iceberg's 4 tries.
          TableProperties.COMMIT_NUM_RETRIES, "10");

  private Tables() {}

  /**
   * Loads table {@code id}, or creates it (format version 2, zstd Parquet) with {@code schema},
   * {@code spec} and {@code properties}, creating its namespace when the catalog has namespaces and
   * the namespace is missing. An existing table is returned as it is.
   */
  public static Table createOrLoad(
      Catalog catalog,
      TableIdentifier id,
      Schema schema,
      PartitionSpec spec,
      Map<String, String> properties) {
    try {
      try {
        return catalog.loadTable(id);
      } catch (NoSuchTableException e) {
        // create it below
      }
      createNamespace(catalog, id.namespace());
      Map<String, String> tableProperties = new HashMap<>(DEFAULT_PROPERTIES);
      tableProperties.putAll(properties);
      try {
        return catalog
            .buildTable(id, schema)
            .withPartitionSpec(spec)
            .withProperties(tableProperties)
            .create();
      } catch (AlreadyExistsException e) {
        // another load created it first
        return catalog.loadTable(id);
      }
    } catch (TidewaterException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw TidewaterException.user("cannot create table %s: %s", id, e.getMessage());
    } catch (RuntimeException e) {
      throw TidewaterException.external(
          e, "cannot create or load table %s in catalog %s: %s", id, catalog.name(), e);
    }
  }

  /**
   * Like {@link #createOrLoad(Catalog, TableIdentifier, Schema, PartitionSpec, Map)}, but a table
   * it creates gets {@code identifierColumns} (e.g. the keys of {@code MERGE ON}) as identifier
   * fields, see {@link #withIdentifierFields}. An existing table is returned as it is.
   */
  public static Table createOrLoad(
      Catalog catalog,
      TableIdentifier id,
      Schema schema,
      PartitionSpec spec,
      Map<String, String> properties,
      List<String> identifierColumns) {
    // field ids stay the same, so the spec's source columns still resolve
    return createOrLoad(
        catalog, id, withIdentifierFields(schema, identifierColumns), spec, properties);
  }

  /**
   * {@code schema} with {@code columns} (top-level, case-insensitive) as its identifier fields:
   * Iceberg's row identity, which engines such as Flink and Spark use for upserts. Identifier
   * columns become required (NOT NULL); a user error for an unknown column or a type that cannot be
   * a key (float, double, nested). No columns: the schema unchanged.
   */
  public static Schema withIdentifierFields(Schema schema, List<String> columns) {
    if (columns.isEmpty()) {
      return schema;
    }
    MergeKeys keys = MergeKeys.of("(new table)", schema, columns);
    Set<Integer> ids = new LinkedHashSet<>();
    keys.fields().forEach(field -> ids.add(field.fieldId()));
    List<Types.NestedField> fields = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      fields.add(ids.contains(column.fieldId()) ? column.asRequired() : column);
    }
    return new Schema(fields, ids);
  }

  /** Creates {@code namespace} unless it exists or the catalog has no namespaces. */
  public static void createNamespace(Catalog catalog, Namespace namespace) {
    if (namespace.isEmpty() || !(catalog instanceof SupportsNamespaces namespaces)) {
      return;
    }
    if (!namespaces.namespaceExists(namespace)) {
      try {
        namespaces.createNamespace(namespace);
      } catch (AlreadyExistsException e) {
        // another load created it first
      }
    }
  }
}
