package dev.tidewater.flight;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Answers the catalog metadata commands from a gateway session: catalogs, namespaces (Flight SQL's
 * DB schemas), tables with their Arrow schemas, table types. Patterns have JDBC's LIKE semantics.
 */
final class CatalogMetadata {
  static final List<String> TABLE_TYPES = List.of(TableRef.SYSTEM_TABLE, TableRef.TABLE);

  private static final Comparator<NamespaceRef> NAMESPACE_ORDER =
      Comparator.comparing(NamespaceRef::catalog).thenComparing(NamespaceRef::namespace);
  private static final Comparator<TableRef> TABLE_ORDER =
      Comparator.comparing(TableRef::type)
          .thenComparing(TableRef::catalog)
          .thenComparing(TableRef::namespace)
          .thenComparing(TableRef::name);

  private CatalogMetadata() {}

  static MetadataTable catalogs(GatewaySession session) {
    MetadataTable table = new MetadataTable(Schemas.GET_CATALOGS_SCHEMA);
    session.catalogs().stream().sorted().forEach(table::add);
    return table;
  }

  static MetadataTable namespaces(GatewaySession session, CommandGetDbSchemas command) {
    String catalog = command.hasCatalog() ? command.getCatalog() : null;
    LikePattern pattern =
        LikePattern.compile(
            command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
    MetadataTable table = new MetadataTable(Schemas.GET_SCHEMAS_SCHEMA);
    if (catalog != null && catalog.isEmpty()) {
      return table; // "" asks for namespaces without a catalog, and every namespace has one
    }
    session.namespaces(catalog).stream()
        .filter(namespace -> catalog == null || catalog.equals(namespace.catalog()))
        .filter(namespace -> pattern.matches(namespace.namespace()))
        .sorted(NAMESPACE_ORDER)
        .forEach(namespace -> table.add(namespace.catalog(), namespace.namespace()));
    return table;
  }

  static Schema tablesSchema(CommandGetTables command) {
    return command.getIncludeSchema()
        ? Schemas.GET_TABLES_SCHEMA
        : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
  }

  static MetadataTable tables(GatewaySession session, CommandGetTables command) {
    String catalog = command.hasCatalog() ? command.getCatalog() : null;
    LikePattern namespacePattern =
        LikePattern.compile(
            command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
    LikePattern namePattern =
        LikePattern.compile(
            command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null);
    Set<String> types = Set.copyOf(command.getTableTypesList());
    MetadataTable table = new MetadataTable(tablesSchema(command));
    if (catalog != null && catalog.isEmpty()) {
      return table;
    }
    List<TableRef> tables =
        session.tables(catalog, namespacePattern.exactName()).stream()
            .filter(ref -> catalog == null || catalog.equals(ref.catalog()))
            .filter(ref -> namespacePattern.matches(ref.namespace()))
            .filter(ref -> namePattern.matches(ref.name()))
            .filter(ref -> types.isEmpty() || types.contains(ref.type()))
            .sorted(TABLE_ORDER)
            .toList();
    for (TableRef ref : tables) {
      if (command.getIncludeSchema()) {
        Schema schema = ColumnMetadata.forTable(session.tableSchema(ref), ref);
        table.add(ref.catalog(), ref.namespace(), ref.name(), ref.type(), serialize(schema));
      } else {
        table.add(ref.catalog(), ref.namespace(), ref.name(), ref.type());
      }
    }
    return table;
  }

  /**
   * The key columns of the table the command names; a missing catalog or namespace means the
   * session's current one, as for an unqualified name in SQL.
   */
  static MetadataTable primaryKeys(GatewaySession session, CommandGetPrimaryKeys command) {
    NamespaceRef current = session.current();
    String catalog = command.hasCatalog() ? command.getCatalog() : current.catalog();
    String namespace = command.hasDbSchema() ? command.getDbSchema() : current.namespace();
    MetadataTable table = new MetadataTable(Schemas.GET_PRIMARY_KEYS_SCHEMA);
    TableRef ref = new TableRef(catalog, namespace, command.getTable(), TableRef.TABLE);
    List<String> columns = session.primaryKey(ref);
    for (int i = 0; i < columns.size(); i++) {
      table.add(catalog, namespace, command.getTable(), columns.get(i), i + 1, null);
    }
    return table;
  }

  static MetadataTable tableTypes() {
    MetadataTable table = new MetadataTable(Schemas.GET_TABLE_TYPES_SCHEMA);
    TABLE_TYPES.forEach(table::add);
    return table;
  }

  /** Tidewater has no primary or foreign keys (Iceberg tables declare none). */
  static MetadataTable noRows(Schema schema) {
    return new MetadataTable(schema);
  }

  /** The IPC form of a schema that Flight SQL puts in table and prepared-statement answers. */
  static byte[] serialize(Schema schema) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
