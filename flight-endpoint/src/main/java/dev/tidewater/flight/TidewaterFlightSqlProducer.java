package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Tidewater's Flight SQL producer: routes each Flight SQL command to one typed method. Statements
 * are described when a client asks for flight info and run when it fetches the ticket; commands
 * Tidewater does not support (transactions, Substrait, bulk ingest) answer {@code UNIMPLEMENTED}.
 */
public final class TidewaterFlightSqlProducer implements FlightSqlProducer {
  private static final Schema NO_COLUMNS = new Schema(List.of());

  private final SessionRegistry sessions;
  private final BufferAllocator allocator;
  private final ExpiringCache<ByteString, PreparedStatement> prepared;
  private final ExpiringCache<String, StatementExecution> pending;
  private final ResultStreamer streamer;
  private final ServerInfo serverInfo = new ServerInfo();

  TidewaterFlightSqlProducer(
      SessionRegistry sessions, BufferAllocator allocator, EndpointConfig config) {
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.prepared =
        new ExpiringCache<>(
            "prepared statement", config.maxStatements(), config.statementTtl(), statement -> {});
    this.pending =
        new ExpiringCache<>(
            "statement", config.maxStatements(), config.statementTtl(), StatementExecution::cancel);
    this.streamer = new ResultStreamer(config.statementTtl());
  }

  // ---- prepared statements

  @Override
  public void createPreparedStatement(
      ActionCreatePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    try {
      ClientSession session = session(context);
      if (request.hasTransactionId()) {
        throw transactionsUnsupported();
      }
      Schema schema = ColumnMetadata.forResultSet(session.gateway().describe(request.getQuery()));
      ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
      prepared.put(handle, new PreparedStatement(session, request.getQuery(), schema));
      ActionCreatePreparedStatementResult result =
          ActionCreatePreparedStatementResult.newBuilder()
              .setPreparedStatementHandle(handle)
              .setDatasetSchema(ByteString.copyFrom(CatalogMetadata.serialize(schema)))
              .setParameterSchema(ByteString.copyFrom(CatalogMetadata.serialize(NO_COLUMNS)))
              .build();
      listener.onNext(new Result(Any.pack(result).toByteArray()));
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  @Override
  public void closePreparedStatement(
      ActionClosePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    try {
      ClientSession session = session(context);
      prepared.invalidate(preparedOf(session, request.getPreparedStatementHandle()).handle());
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  // ---- queries: describe at GetFlightInfo, run at DoGet

  @Override
  public FlightInfo getFlightInfoStatement(
      CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return guard(
        () -> {
          ClientSession session = session(context);
          if (command.hasTransactionId()) {
            throw transactionsUnsupported();
          }
          Schema schema =
              ColumnMetadata.forResultSet(session.gateway().describe(command.getQuery()));
          return statementInfo(session, command.getQuery(), schema, descriptor);
        });
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(
      CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return guard(
        () -> {
          ClientSession session = session(context);
          PreparedStatement statement =
              preparedOf(session, command.getPreparedStatementHandle()).statement();
          return statementInfo(session, statement.sql(), statement.schema(), descriptor);
        });
  }

  @Override
  public SchemaResult getSchemaStatement(
      CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return guard(
        () ->
            new SchemaResult(
                ColumnMetadata.forResultSet(
                    session(context).gateway().describe(command.getQuery()))));
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(
      CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return guard(
        () ->
            new SchemaResult(
                preparedOf(session(context), command.getPreparedStatementHandle())
                    .statement()
                    .schema()));
  }

  @Override
  public void getStreamStatement(
      TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    StatementExecution execution;
    try {
      execution = takePending(session(context), ticket.getStatementHandle().toStringUtf8());
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
      return;
    }
    streamer.stream(execution, listener);
  }

  @Override
  public void getStreamPreparedStatement(
      CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
    StatementExecution execution;
    try {
      ClientSession session = session(context);
      PreparedStatement statement =
          preparedOf(session, command.getPreparedStatementHandle()).statement();
      execution = newExecution(session, statement.sql(), statement.schema());
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
      return;
    }
    streamer.stream(execution, listener);
  }

  // ---- updates: DoPut answers the update count

  @Override
  public Runnable acceptPutStatement(
      CommandStatementUpdate command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () ->
        answerUpdate(
            ackStream,
            () -> {
              ClientSession session = session(context);
              if (command.hasTransactionId()) {
                throw transactionsUnsupported();
              }
              // Clients send no batch here and read the answer before they half-close.
              return runUpdate(session, command.getQuery());
            });
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(
      CommandPreparedStatementUpdate command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () ->
        answerUpdate(
            ackStream,
            () -> {
              ClientSession session = session(context);
              PreparedStatement statement =
                  preparedOf(session, command.getPreparedStatementHandle()).statement();
              rejectParameters(flightStream);
              return runUpdate(session, statement.sql());
            });
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(
      CommandPreparedStatementQuery command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        preparedOf(session(context), command.getPreparedStatementHandle());
        rejectParameters(flightStream);
        ackStream.onCompleted();
      } catch (RuntimeException e) {
        ackStream.onError(FlightErrors.toFlight(e));
      }
    };
  }

  // ---- metadata

  @Override
  public FlightInfo getFlightInfoSqlInfo(
      CommandGetSqlInfo command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
  }

  @Override
  public void getStreamSqlInfo(
      CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
    try {
      serverInfo.send(command.getInfoList(), listener, allocator);
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
    }
  }

  @Override
  public FlightInfo getFlightInfoTypeInfo(
      CommandGetXdbcTypeInfo command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_TYPE_INFO_SCHEMA);
  }

  @Override
  public void getStreamTypeInfo(
      CommandGetXdbcTypeInfo command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> TypeInfo.rows(command));
  }

  @Override
  public FlightInfo getFlightInfoCatalogs(
      CommandGetCatalogs command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_CATALOGS_SCHEMA);
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.catalogs(session(context).gateway()));
  }

  @Override
  public FlightInfo getFlightInfoSchemas(
      CommandGetDbSchemas command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
  }

  @Override
  public void getStreamSchemas(
      CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.namespaces(session(context).gateway(), command));
  }

  @Override
  public FlightInfo getFlightInfoTables(
      CommandGetTables command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, CatalogMetadata.tablesSchema(command));
  }

  @Override
  public void getStreamTables(
      CommandGetTables command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.tables(session(context).gateway(), command));
  }

  @Override
  public FlightInfo getFlightInfoTableTypes(
      CommandGetTableTypes command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, CatalogMetadata::tableTypes);
  }

  @Override
  public FlightInfo getFlightInfoPrimaryKeys(
      CommandGetPrimaryKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_PRIMARY_KEYS_SCHEMA);
  }

  @Override
  public void getStreamPrimaryKeys(
      CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.noRows(Schemas.GET_PRIMARY_KEYS_SCHEMA));
  }

  @Override
  public FlightInfo getFlightInfoExportedKeys(
      CommandGetExportedKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_EXPORTED_KEYS_SCHEMA);
  }

  @Override
  public void getStreamExportedKeys(
      CommandGetExportedKeys command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.noRows(Schemas.GET_EXPORTED_KEYS_SCHEMA));
  }

  @Override
  public FlightInfo getFlightInfoImportedKeys(
      CommandGetImportedKeys command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_IMPORTED_KEYS_SCHEMA);
  }

  @Override
  public void getStreamImportedKeys(
      CommandGetImportedKeys command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.noRows(Schemas.GET_IMPORTED_KEYS_SCHEMA));
  }

  @Override
  public FlightInfo getFlightInfoCrossReference(
      CommandGetCrossReference command, CallContext context, FlightDescriptor descriptor) {
    return metadataInfo(command, descriptor, Schemas.GET_CROSS_REFERENCE_SCHEMA);
  }

  @Override
  public void getStreamCrossReference(
      CommandGetCrossReference command, CallContext context, ServerStreamListener listener) {
    sendMetadata(listener, () -> CatalogMetadata.noRows(Schemas.GET_CROSS_REFERENCE_SCHEMA));
  }

  // ---- sessions and cancellation

  @Override
  public void cancelFlightInfo(
      CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
    try {
      ClientSession session = session(context);
      boolean cancelled = false;
      for (org.apache.arrow.flight.FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
        cancelled |= cancel(session, endpoint.getTicket());
      }
      listener.onNext(cancelled ? CancelStatus.CANCELLED : CancelStatus.NOT_CANCELLABLE);
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  @Override
  public void closeSession(
      CloseSessionRequest request,
      CallContext context,
      StreamListener<CloseSessionResult> listener) {
    try {
      ClientSession session = session(context);
      prepared.invalidateIf(statement -> statement.session() == session);
      pending.invalidateIf(execution -> execution.session() == session);
      sessions.close(session.id());
      listener.onNext(new CloseSessionResult(CloseSessionResult.Status.CLOSED));
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    listener.onError(
        CallStatus.UNIMPLEMENTED
            .withDescription("ListFlights is not supported; run a query instead")
            .toRuntimeException());
  }

  /** Cancels pending statements; running ones belong to their sessions. */
  @Override
  public void close() {
    streamer.close();
    pending.close();
    prepared.close();
  }

  // ---- helpers

  private ClientSession session(CallContext context) {
    ClientSession session = sessions.byId(context.peerIdentity());
    if (session == null) {
      throw FlightErrors.unauthenticated("the session has expired: log in again");
    }
    return session;
  }

  private Owned preparedOf(ClientSession session, ByteString handle) {
    PreparedStatement statement = prepared.get(handle);
    if (statement == null || statement.session() != session) {
      throw FlightErrors.notFound(
          "prepared statement %s is unknown, closed or expired", handle.toStringUtf8());
    }
    return new Owned(handle, statement);
  }

  private record Owned(ByteString handle, PreparedStatement statement) {}

  private FlightInfo statementInfo(
      ClientSession session, String sql, Schema schema, FlightDescriptor descriptor) {
    StatementExecution execution = newExecution(session, sql, schema);
    pending.put(execution.id(), execution);
    TicketStatementQuery ticket =
        TicketStatementQuery.newBuilder()
            .setStatementHandle(ByteString.copyFromUtf8(execution.id()))
            .build();
    return flightInfo(schema, descriptor, ticket);
  }

  private StatementExecution newExecution(ClientSession session, String sql, Schema schema) {
    return new StatementExecution(UUID.randomUUID().toString(), session, sql, schema, allocator);
  }

  /** Takes a pending statement out of the cache: a ticket is good for one fetch. */
  private StatementExecution takePending(ClientSession session, String id) {
    StatementExecution execution = pending.get(id);
    if (execution == null || execution.session() != session || pending.remove(id) != execution) {
      throw FlightErrors.notFound("statement %s is unknown, already fetched or expired", id);
    }
    return execution;
  }

  private boolean cancel(ClientSession session, Ticket ticket) {
    String id;
    try {
      Any any = Any.parseFrom(ticket.getBytes());
      if (!any.is(TicketStatementQuery.class)) {
        return false;
      }
      id = any.unpack(TicketStatementQuery.class).getStatementHandle().toStringUtf8();
    } catch (InvalidProtocolBufferException e) {
      throw FlightErrors.invalid("malformed ticket: %s", e.getMessage());
    }
    StatementExecution execution = pending.get(id);
    if (execution != null && execution.session() == session) {
      pending.invalidate(id);
      return true;
    }
    StatementExecution running = session.running(id);
    if (running != null) {
      running.cancel();
      return true;
    }
    return false;
  }

  private long runUpdate(ClientSession session, String sql) {
    StatementExecution execution = newExecution(session, sql, NO_COLUMNS);
    try {
      StatementResult result = execution.run();
      execution.finished();
      return result.hasRows() ? -1 : result.updateCount();
    } catch (RuntimeException e) {
      execution.failed();
      throw e;
    } finally {
      execution.closeResources();
    }
  }

  private void answerUpdate(StreamListener<PutResult> ackStream, Supplier<Long> update) {
    try {
      byte[] answer =
          DoPutUpdateResult.newBuilder().setRecordCount(update.get()).build().toByteArray();
      try (ArrowBuf buffer = allocator.buffer(answer.length)) {
        buffer.writeBytes(answer);
        ackStream.onNext(PutResult.metadata(buffer));
      }
      ackStream.onCompleted();
    } catch (RuntimeException e) {
      ackStream.onError(FlightErrors.toFlight(e));
    }
  }

  /** Tidewater statements have no parameters; an uploaded batch with rows is a client error. */
  private static void rejectParameters(FlightStream stream) {
    while (stream.next()) {
      VectorSchemaRoot root = stream.getRoot();
      if (root.getRowCount() > 0 && !root.getFieldVectors().isEmpty()) {
        throw FlightErrors.invalid("Tidewater statements take no parameters");
      }
    }
  }

  private FlightInfo metadataInfo(Message command, FlightDescriptor descriptor, Schema schema) {
    return flightInfo(schema, descriptor, command);
  }

  private static FlightInfo flightInfo(Schema schema, FlightDescriptor descriptor, Message ticket) {
    Ticket flightTicket = new Ticket(Any.pack(ticket).toByteArray());
    return new FlightInfo(
        schema,
        descriptor,
        List.of(new org.apache.arrow.flight.FlightEndpoint(flightTicket)),
        -1,
        -1);
  }

  private void sendMetadata(ServerStreamListener listener, Supplier<MetadataTable> rows) {
    try {
      rows.get().send(listener, allocator);
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
    }
  }

  private static <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw FlightErrors.toFlight(e);
    }
  }

  private static RuntimeException transactionsUnsupported() {
    return CallStatus.UNIMPLEMENTED
        .withDescription("Tidewater has no transactions: each statement commits on its own")
        .toRuntimeException();
  }
}
