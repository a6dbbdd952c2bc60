package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import java.util.function.Supplier;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The metadata calls: server info, type info, catalogs, namespaces, tables, table types and keys.
 * Each is described at GetFlightInfo (its ticket is the command itself) and answered at DoGet.
 */
final class MetadataRpcs {
  private final SessionRegistry sessions;
  private final BufferAllocator allocator;
  private final ServerInfo serverInfo = new ServerInfo();

  MetadataRpcs(SessionRegistry sessions, BufferAllocator allocator) {
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  /** The flight of a metadata command: one endpoint whose ticket is the command. */
  FlightInfo info(Message command, FlightDescriptor descriptor, Schema schema) {
    return FlightCalls.flightInfo(schema, descriptor, command);
  }

  FlightInfo tablesInfo(CommandGetTables command, FlightDescriptor descriptor) {
    return info(command, descriptor, CatalogMetadata.tablesSchema(command));
  }

  void sqlInfo(CommandGetSqlInfo command, ServerStreamListener listener) {
    try {
      serverInfo.send(command.getInfoList(), listener, allocator);
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
    }
  }

  void typeInfo(CommandGetXdbcTypeInfo command, ServerStreamListener listener) {
    send(listener, () -> TypeInfo.rows(command));
  }

  void catalogs(CallContext context, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.catalogs(sessions.of(context).gateway()));
  }

  void schemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.namespaces(sessions.of(context).gateway(), command));
  }

  void tables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.tables(sessions.of(context).gateway(), command));
  }

  void tableTypes(ServerStreamListener listener) {
    send(listener, CatalogMetadata::tableTypes);
  }

  void primaryKeys(
      CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.primaryKeys(sessions.of(context).gateway(), command));
  }

  void exportedKeys(CommandGetExportedKeys command, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.noRows(Schemas.GET_EXPORTED_KEYS_SCHEMA));
  }

  void importedKeys(CommandGetImportedKeys command, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.noRows(Schemas.GET_IMPORTED_KEYS_SCHEMA));
  }

  void crossReference(CommandGetCrossReference command, ServerStreamListener listener) {
    send(listener, () -> CatalogMetadata.noRows(Schemas.GET_CROSS_REFERENCE_SCHEMA));
  }

  private void send(ServerStreamListener listener, Supplier<MetadataTable> rows) {
    try {
      rows.get().send(listener, allocator);
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
    }
  }
}
