package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight SQL bulk ingest ({@code CommandStatementIngest} at DoPut): the client's batches go to the
 * gateway, which writes them into an Iceberg table in one commit; the answer is the number of rows
 * written. The table options map as ADBC's ingest modes do: {@code create} (missing: create,
 * exists: fail; also what unspecified options mean), {@code append} (missing: fail, exists:
 * append), {@code replace} (create or replace the rows) and {@code create_append}.
 */
final class IngestRpcs {
  private static final Logger LOG = LoggerFactory.getLogger(IngestRpcs.class);

  private final SessionRegistry sessions;
  private final BufferAllocator allocator;

  IngestRpcs(SessionRegistry sessions, BufferAllocator allocator) {
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  Runnable ingest(
      CommandStatementIngest command,
      CallContext context,
      FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () -> {
      try {
        ClientSession session = sessions.of(context);
        IngestRequest request = request(command);
        long rows = run(session, request, flightStream);
        LOG.info("Session {}: ingested {} rows into {}", session.id(), rows, command.getTable());
        answer(ackStream, rows);
      } catch (RuntimeException e) {
        ackStream.onError(FlightErrors.toFlight(e));
      }
    };
  }

  /**
   * Runs the ingest as one of the session's running statements, so that a cancel ({@code
   * CancelFlightInfo} cannot name a DoPut, but the session's end and the server's shutdown can)
   * stops it like a LOAD, and so that it has the session's statement_timeout and memory limit.
   */
  private long run(ClientSession session, IngestRequest request, FlightStream flightStream) {
    StatementExecution execution =
        new StatementExecution(
            UUID.randomUUID().toString(),
            session,
            "bulk ingest into " + request.table(),
            FlightCalls.NO_COLUMNS,
            allocator);
    try {
      StatementResult result =
          execution.run(
              (gateway, runAllocator, stop) ->
                  StatementResult.updateCount(
                      gateway.ingest(
                          request, new FlightBatches(flightStream), runAllocator, stop)));
      execution.finished();
      return result.updateCount();
    } catch (RuntimeException e) {
      execution.failed();
      throw e;
    } finally {
      execution.closeResources();
    }
  }

  static IngestRequest request(CommandStatementIngest command) {
    if (command.hasTransactionId()) {
      throw FlightCalls.transactionsUnsupported();
    }
    if (command.getTemporary()) {
      throw FlightErrors.invalid(
          "bulk ingest: temporary tables are not supported (ingest into an Iceberg table)");
    }
    TableDefinitionOptions table = command.getTableDefinitionOptions();
    IngestRequest.IfMissing ifMissing =
        switch (table.getIfNotExist()) {
          case TABLE_NOT_EXIST_OPTION_FAIL -> IngestRequest.IfMissing.FAIL;
          case TABLE_NOT_EXIST_OPTION_CREATE, TABLE_NOT_EXIST_OPTION_UNSPECIFIED ->
              IngestRequest.IfMissing.CREATE;
          case UNRECOGNIZED ->
              throw FlightErrors.invalid(
                  "bulk ingest: unknown if_not_exist option %d", table.getIfNotExistValue());
        };
    IngestRequest.IfExists ifExists =
        switch (table.getIfExists()) {
          case TABLE_EXISTS_OPTION_FAIL, TABLE_EXISTS_OPTION_UNSPECIFIED ->
              IngestRequest.IfExists.FAIL;
          case TABLE_EXISTS_OPTION_APPEND -> IngestRequest.IfExists.APPEND;
          case TABLE_EXISTS_OPTION_REPLACE -> IngestRequest.IfExists.REPLACE;
          case UNRECOGNIZED ->
              throw FlightErrors.invalid(
                  "bulk ingest: unknown if_exists option %d", table.getIfExistsValue());
        };
    return new IngestRequest(
        command.hasCatalog() ? command.getCatalog() : null,
        command.hasSchema() ? command.getSchema() : null,
        command.getTable(),
        ifMissing,
        ifExists,
        command.getOptionsMap());
  }

  private void answer(StreamListener<PutResult> ackStream, long rows) {
    byte[] answer = DoPutUpdateResult.newBuilder().setRecordCount(rows).build().toByteArray();
    try (ArrowBuf buffer = allocator.buffer(answer.length)) {
      buffer.writeBytes(answer);
      ackStream.onNext(PutResult.metadata(buffer));
    }
    ackStream.onCompleted();
  }
}
