package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
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
 * Statements and prepared statements: a query is described at GetFlightInfo, which hands out a
 * one-fetch ticket, and run when the client fetches it; an update runs at DoPut and answers its
 * count. Owns the caches of prepared statements and of pending (described, not yet fetched) runs.
 */
final class StatementRpcs implements AutoCloseable {
  private final SessionRegistry sessions;
  private final BufferAllocator allocator;
  private final ExpiringCache<ByteString, PreparedStatement> prepared;
  private final ExpiringCache<String, StatementExecution> pending;
  private final ResultStreamer streamer;

  StatementRpcs(SessionRegistry sessions, BufferAllocator allocator, EndpointConfig config) {
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

  void createPrepared(
      ActionCreatePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    try {
      ClientSession session = sessions.of(context);
      if (request.hasTransactionId()) {
        throw FlightCalls.transactionsUnsupported();
      }
      Schema schema = ColumnMetadata.forResultSet(session.gateway().describe(request.getQuery()));
      ByteString handle = ByteString.copyFromUtf8(UUID.randomUUID().toString());
      prepared.put(handle, new PreparedStatement(session, request.getQuery(), schema));
      ActionCreatePreparedStatementResult result =
          ActionCreatePreparedStatementResult.newBuilder()
              .setPreparedStatementHandle(handle)
              .setDatasetSchema(ByteString.copyFrom(CatalogMetadata.serialize(schema)))
              .setParameterSchema(
                  ByteString.copyFrom(CatalogMetadata.serialize(FlightCalls.NO_COLUMNS)))
              .build();
      listener.onNext(new Result(Any.pack(result).toByteArray()));
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  void closePrepared(
      ActionClosePreparedStatementRequest request,
      CallContext context,
      StreamListener<Result> listener) {
    try {
      ClientSession session = sessions.of(context);
      prepared.invalidate(preparedOf(session, request.getPreparedStatementHandle()).handle());
      listener.onCompleted();
    } catch (RuntimeException e) {
      listener.onError(FlightErrors.toFlight(e));
    }
  }

  // ---- queries: describe at GetFlightInfo, run at DoGet

  FlightInfo statementInfo(
      CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return FlightCalls.guard(
        () -> {
          ClientSession session = sessions.of(context);
          if (command.hasTransactionId()) {
            throw FlightCalls.transactionsUnsupported();
          }
          Schema schema =
              ColumnMetadata.forResultSet(session.gateway().describe(command.getQuery()));
          return pendingInfo(session, command.getQuery(), schema, descriptor);
        });
  }

  FlightInfo preparedInfo(
      CommandPreparedStatementQuery command, CallContext context, FlightDescriptor descriptor) {
    return FlightCalls.guard(
        () -> {
          ClientSession session = sessions.of(context);
          PreparedStatement statement =
              preparedOf(session, command.getPreparedStatementHandle()).statement();
          return pendingInfo(session, statement.sql(), statement.schema(), descriptor);
        });
  }

  SchemaResult statementSchema(CommandStatementQuery command, CallContext context) {
    return FlightCalls.guard(
        () ->
            new SchemaResult(
                ColumnMetadata.forResultSet(
                    sessions.of(context).gateway().describe(command.getQuery()))));
  }

  SchemaResult preparedSchema(CommandPreparedStatementQuery command, CallContext context) {
    return FlightCalls.guard(
        () ->
            new SchemaResult(
                preparedOf(sessions.of(context), command.getPreparedStatementHandle())
                    .statement()
                    .schema()));
  }

  void streamStatement(
      TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    StatementExecution execution;
    try {
      execution = takePending(sessions.of(context), ticket.getStatementHandle().toStringUtf8());
    } catch (RuntimeException e) {
      listener.error(FlightErrors.toFlight(e));
      return;
    }
    streamer.stream(execution, listener);
  }

  void streamPrepared(
      CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
    StatementExecution execution;
    try {
      ClientSession session = sessions.of(context);
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

  Runnable update(
      CommandStatementUpdate command, CallContext context, StreamListener<PutResult> ackStream) {
    return () ->
        answerUpdate(
            ackStream,
            () -> {
              ClientSession session = sessions.of(context);
              if (command.hasTransactionId()) {
                throw FlightCalls.transactionsUnsupported();
              }
              // Clients send no batch here and read the answer before they half-close.
              return runUpdate(session, command.getQuery());
            });
  }

  Runnable preparedUpdate(
      CommandPreparedStatementUpdate command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () ->
        answerUpdate(
            ackStream,
            () -> {
              ClientSession session = sessions.of(context);
              PreparedStatement statement =
                  preparedOf(session, command.getPreparedStatementHandle()).statement();
              rejectParameters(flightStream);
              return runUpdate(session, statement.sql());
            });
  }

  Runnable preparedParameters(
      CommandPreparedStatementQuery command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        preparedOf(sessions.of(context), command.getPreparedStatementHandle());
        rejectParameters(flightStream);
        ackStream.onCompleted();
      } catch (RuntimeException e) {
        ackStream.onError(FlightErrors.toFlight(e));
      }
    };
  }

  // ---- cancellation and session end

  /** Cancels the statement of a ticket: true when it was pending or running. */
  boolean cancel(ClientSession session, Ticket ticket) {
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

  /** Drops the prepared and pending statements of a session that ends. */
  void forget(ClientSession session) {
    prepared.invalidateIf(statement -> statement.session() == session);
    pending.invalidateIf(execution -> execution.session() == session);
  }

  /** Cancels pending statements and running streams. */
  @Override
  public void close() {
    streamer.close();
    pending.close();
    prepared.close();
  }

  // ---- helpers

  private Owned preparedOf(ClientSession session, ByteString handle) {
    PreparedStatement statement = prepared.get(handle);
    if (statement == null || statement.session() != session) {
      throw FlightErrors.notFound(
          "prepared statement %s is unknown, closed or expired", handle.toStringUtf8());
    }
    return new Owned(handle, statement);
  }

  private record Owned(ByteString handle, PreparedStatement statement) {}

  private FlightInfo pendingInfo(
      ClientSession session, String sql, Schema schema, FlightDescriptor descriptor) {
    StatementExecution execution = newExecution(session, sql, schema);
    pending.put(execution.id(), execution);
    TicketStatementQuery ticket =
        TicketStatementQuery.newBuilder()
            .setStatementHandle(ByteString.copyFromUtf8(execution.id()))
            .build();
    return FlightCalls.flightInfo(schema, descriptor, ticket);
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

  private long runUpdate(ClientSession session, String sql) {
    StatementExecution execution = newExecution(session, sql, FlightCalls.NO_COLUMNS);
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
}
