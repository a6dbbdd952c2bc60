package dev.tidewater.planner;

import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.SourceShape;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database sources as clients' metadata calls see them: a catalog per source, its schemas as
 * namespaces ({@code ""} for a database without schemas, SQLite), its tables and views as tables,
 * so DBeaver browses {@code shop_db.public.orders} as it browses an Iceberg catalog. A database
 * that cannot be reached lists nothing (and is logged), rather than fail the listing of the others.
 */
final class SourceMetadata {
  private static final Logger LOG = LoggerFactory.getLogger(SourceMetadata.class);

  private final Engine engine;

  SourceMetadata(Engine engine) {
    this.engine = engine;
  }

  /** The database sources whose names no catalog takes. */
  List<SourceDefinition> databases() {
    List<SourceDefinition> databases = new ArrayList<>();
    for (SourceDefinition source : engine.metadata().sources()) {
      if (!engine.catalogNames().contains(source.name()) && isDatabase(source)) {
        databases.add(source);
      }
    }
    return databases;
  }

  Optional<SourceDefinition> database(String name) {
    return databases().stream().filter(source -> source.name().equals(name)).findFirst();
  }

  /** {@code [source, schema]} of every schema of the sources named (all when null). */
  List<List<String>> namespaces(String sourceName) {
    List<List<String>> result = new ArrayList<>();
    for (SourceDefinition source : selected(sourceName)) {
      Set<String> schemas = new LinkedHashSet<>();
      for (SourceObject object : objects(source)) {
        schemas.add(namespace(object));
      }
      schemas.forEach(schema -> result.add(List.of(source.name(), schema)));
    }
    return result;
  }

  /** {@code [source, schema, table]}, filtered by source and schema if given. */
  List<List<String>> tables(String sourceName, String schemaName) {
    List<List<String>> result = new ArrayList<>();
    for (SourceDefinition source : selected(sourceName)) {
      for (SourceObject object : objects(source)) {
        String schema = namespace(object);
        if (schemaName == null || schemaName.equals(schema)) {
          result.add(List.of(source.name(), schema, object.path().get(object.path().size() - 1)));
        }
      }
    }
    return result;
  }

  /** The columns of a source's table, as {@code DESCRIBE SOURCE} shows them. */
  Schema tableSchema(SourceDefinition source, String schemaName, String tableName) {
    List<String> path =
        schemaName == null || schemaName.isEmpty()
            ? List.of(tableName)
            : List.of(schemaName, tableName);
    try (Connector connector = engine.connect(source)) {
      return connector.discover(new SourceObject(path));
    }
  }

  private List<SourceDefinition> selected(String sourceName) {
    return databases().stream()
        .filter(source -> sourceName == null || source.name().equals(sourceName))
        .toList();
  }

  private List<SourceObject> objects(SourceDefinition source) {
    try (Connector connector = engine.connect(source)) {
      return connector.listObjects().stream().filter(object -> !object.path().isEmpty()).toList();
    } catch (TidewaterException e) {
      LOG.warn(
          "metadata: cannot list the tables of source '{}': {}", source.name(), e.getMessage());
      return List.of();
    }
  }

  private static String namespace(SourceObject object) {
    List<String> path = object.path();
    return String.join(".", path.subList(0, path.size() - 1));
  }

  private boolean isDatabase(SourceDefinition source) {
    try {
      return engine.factory(source.type()).shape() == SourceShape.DATABASE;
    } catch (TidewaterException e) {
      return false;
    }
  }
}
