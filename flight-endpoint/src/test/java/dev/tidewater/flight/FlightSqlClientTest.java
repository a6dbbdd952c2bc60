package dev.tidewater.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.auth2.ClientBearerHeaderHandler;
import org.apache.arrow.flight.auth2.ClientIncomingAuthHeaderMiddleware;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Drives the endpoint with Arrow's own Flight SQL client, for what JDBC does not reach. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlightSqlClientTest {
  private static final int BATCHES_BEFORE_BACK_PRESSURE = 20;

  private final FakeGateway gateway = new FakeGateway();
  private BufferAllocator allocator;
  private FlightEndpoint endpoint;
  private FlightClient client;
  private FlightSqlClient sql;
  private CredentialCallOption bearer;

  @BeforeAll
  void start() {
    allocator = new RootAllocator();
    endpoint = FlightEndpoint.start(gateway, allocator, EndpointConfig.plaintext("127.0.0.1", 0));
    client = newClient();
    sql = new FlightSqlClient(client);
    bearer = client.authenticateBasicToken(FakeGateway.USER, FakeGateway.PASSWORD).orElseThrow();
  }

  @AfterAll
  void stop() throws Exception {
    sql.close();
    endpoint.close();
    assertThat(gateway.openReaders).hasValue(0);
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private FlightClient newClient() {
    return FlightClient.builder(allocator, endpoint.location())
        .intercept(new ClientIncomingAuthHeaderMiddleware.Factory(new ClientBearerHeaderHandler()))
        .build();
  }

  @Test
  void unsupportedCommandsAnswerUnimplemented() {
    assertStatus(() -> sql.beginTransaction(bearer), FlightStatusCode.UNIMPLEMENTED);
    assertStatus(
        () ->
            sql.executeSubstrait(new FlightSqlClient.SubstraitPlan(new byte[] {1}, "0.42"), bearer),
        FlightStatusCode.UNIMPLEMENTED);
    assertStatus(
        () -> client.listFlights(Criteria.ALL, bearer).forEach(info -> {}),
        FlightStatusCode.UNIMPLEMENTED);
  }

  @Test
  void statementTicketsStreamOnce() throws Exception {
    FlightInfo info = sql.execute("SELECT * FROM iceberg.demo.t", bearer);
    assertThat(info.getSchema().getFields()).hasSize(7);
    Ticket ticket = info.getEndpoints().get(0).getTicket();
    assertThat(rowCount(ticket)).isEqualTo(3);
    assertStatus(() -> rowCount(ticket), FlightStatusCode.NOT_FOUND);
  }

  @Test
  void preparedStatementsDescribeAndRun() throws Exception {
    FlightSqlClient.PreparedStatement query = sql.prepare("SELECT RANGE(100)", bearer);
    try {
      assertThat(query.getResultSetSchema().getFields()).extracting("name").containsExactly("n");
      FlightInfo info = query.execute(bearer);
      assertThat(rowCount(info.getEndpoints().get(0).getTicket())).isEqualTo(100);
    } finally {
      query.close(bearer);
    }
    FlightSqlClient.PreparedStatement update = sql.prepare("CREATE TABLE x", bearer);
    try {
      assertThat(update.getResultSetSchema().getFields()).isEmpty();
      assertThat(update.executeUpdate(bearer)).isZero();
    } finally {
      update.close(bearer);
    }
    assertThat(sql.executeUpdate("DELETE FROM iceberg.demo.t", bearer)).isEqualTo(7);
  }

  @Test
  void unknownPreparedStatementHandlesAreNotFound() {
    CommandPreparedStatementQuery command =
        CommandPreparedStatementQuery.newBuilder()
            .setPreparedStatementHandle(ByteString.copyFromUtf8("no-such-handle"))
            .build();
    FlightDescriptor descriptor = FlightDescriptor.command(Any.pack(command).toByteArray());
    assertStatus(() -> client.getInfo(descriptor, bearer), FlightStatusCode.NOT_FOUND);
  }

  @Test
  void errorKindsMapToStatusCodes() {
    assertThatThrownBy(() -> sql.execute("FAIL now", bearer))
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
              assertThat(e.status().description())
                  .isEqualTo("unknown table 'nope' (at line 1, column 6)");
            });
    assertStatus(() -> run("SELECT UNAVAILABLE"), FlightStatusCode.UNAVAILABLE);
    assertStatus(() -> run("SELECT BROKEN"), FlightStatusCode.INTERNAL);
    assertStatus(() -> sql.execute("DROP EVERYTHING", bearer), FlightStatusCode.INVALID_ARGUMENT);
  }

  @Test
  void callsWithoutValidCredentialsAreRefused() throws Exception {
    try (FlightClient anonymous = newClient();
        FlightSqlClient anonymousSql = new FlightSqlClient(anonymous)) {
      assertStatus(anonymousSql::getCatalogs, FlightStatusCode.UNAUTHENTICATED);
      CallOption forged = new CredentialCallOption(new BearerCredentialWriter("forged-token"));
      assertStatus(() -> anonymousSql.getCatalogs(forged), FlightStatusCode.UNAUTHENTICATED);
      assertThatThrownBy(() -> anonymous.authenticateBasicToken(FakeGateway.USER, "nope"))
          .isInstanceOfSatisfying(
              FlightRuntimeException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
                assertThat(e.status().description()).isEqualTo("invalid user or password");
              });
    }
  }

  @Test
  void typeInfoListsTheSupportedTypes() throws Exception {
    assertThat(strings(sql.getXdbcTypeInfo(bearer), "type_name"))
        .contains(
            "BIGINT",
            "INTEGER",
            "DOUBLE",
            "REAL",
            "DECIMAL",
            "VARCHAR",
            "BOOLEAN",
            "DATE",
            "TIMESTAMP",
            "BINARY");
    assertThat(strings(sql.getXdbcTypeInfo(Types.DECIMAL, bearer), "type_name"))
        .containsExactly("DECIMAL");
  }

  @Test
  void sqlInfoAnswersExactlyTheKnownKeys() throws Exception {
    Set<Integer> all = new HashSet<>(infoNames(sql.getSqlInfo(List.of(), bearer)));
    assertThat(all).isEqualTo(new ServerInfo().keys()).hasSizeGreaterThan(80);
    int unknown = SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_UNSPECIFIED_VALUE;
    int name = SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE;
    assertThat(infoNames(sql.getSqlInfo(List.of(unknown), bearer))).isEmpty();
    assertThat(infoNames(sql.getSqlInfo(List.of(unknown, name), bearer))).containsExactly(name);
  }

  @Test
  void cancellingAPendingStatementDropsItsTicket() {
    FlightInfo info = sql.execute("SELECT RANGE(10)", bearer);
    assertThat(sql.cancelFlightInfo(new CancelFlightInfoRequest(info), bearer).getStatus())
        .isEqualTo(CancelStatus.CANCELLED);
    assertStatus(
        () -> rowCount(info.getEndpoints().get(0).getTicket()), FlightStatusCode.NOT_FOUND);
  }

  @Test
  void aClientCancelStopsTheStreamAndClosesTheReader() throws Exception {
    CountDownLatch readerClosed = gateway.rangeReaderClosed(1_000_000_000L);
    int cancels = gateway.cancels.get();
    FlightInfo info = sql.execute("SELECT RANGE(1000000000)", bearer);
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
      assertThat(stream.next()).isTrue();
      stream.cancel("enough", null);
    } catch (FlightRuntimeException e) {
      assertThat(e.status().code()).isEqualTo(FlightStatusCode.CANCELLED);
    }
    assertThat(readerClosed.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.cancels.get()).isGreaterThan(cancels);
  }

  @Test
  void aClientCancelWhileTheServerWaitsForItStopsTheStream() throws Exception {
    long rows = 2_000_000_000L;
    CountDownLatch readerClosed = gateway.rangeReaderClosed(rows);
    // Flight holds the server back once 10 MiB are queued, so it fills at least 20 batches of
    // 512 KiB first; cancelling after them usually finds it waiting for this client.
    CountDownLatch filled = gateway.rangeBatchesFilled(rows, BATCHES_BEFORE_BACK_PRESSURE);
    FlightInfo info = sql.execute("SELECT RANGE(" + rows + ")", bearer);
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
      assertThat(stream.next()).isTrue();
      assertThat(filled.await(20, TimeUnit.SECONDS)).isTrue();
      stream.cancel("enough", null);
    } catch (FlightRuntimeException e) {
      assertThat(e.status().code()).isEqualTo(FlightStatusCode.CANCELLED);
    }
    assertThat(readerClosed.await(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @Timeout(60)
  void aClientThatStopsReadingForAWhileStillGetsEveryRow() throws Exception {
    long rows = 40L * FakeGateway.BATCH_ROWS;
    CountDownLatch filled = gateway.rangeBatchesFilled(rows, BATCHES_BEFORE_BACK_PRESSURE);
    FlightInfo info = sql.execute("SELECT RANGE(" + rows + ")", bearer);
    long read = 0;
    long sum = 0;
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
      while (stream.next()) {
        BigIntVector n = (BigIntVector) stream.getRoot().getVector("n");
        for (int i = 0; i < n.getValueCount(); i++) {
          sum += n.get(i);
        }
        read += n.getValueCount();
        if (read == FakeGateway.BATCH_ROWS) {
          // Let the server fill the client's window and its own queue, so that it has to wait
          // for this client, before reading on.
          assertThat(filled.await(20, TimeUnit.SECONDS)).isTrue();
        }
      }
    }
    assertThat(read).isEqualTo(rows);
    assertThat(sum).isEqualTo(rows * (rows - 1) / 2);
  }

  @Test
  void closingTheSessionEndsTheToken() throws Exception {
    try (FlightClient other = newClient();
        FlightSqlClient otherSql = new FlightSqlClient(other)) {
      CredentialCallOption token =
          other.authenticateBasicToken(FakeGateway.USER, FakeGateway.PASSWORD).orElseThrow();
      int closed = gateway.sessionsClosed.get();
      assertThat(otherSql.closeSession(new CloseSessionRequest(), token).getStatus())
          .isEqualTo(CloseSessionResult.Status.CLOSED);
      assertThat(gateway.sessionsClosed.get()).isEqualTo(closed + 1);
      assertStatus(() -> otherSql.getCatalogs(token), FlightStatusCode.UNAUTHENTICATED);
    }
  }

  private void run(String statement) throws Exception {
    rowCount(sql.execute(statement, bearer).getEndpoints().get(0).getTicket());
  }

  private long rowCount(Ticket ticket) throws Exception {
    long rows = 0;
    try (FlightStream stream = sql.getStream(ticket, bearer)) {
      while (stream.next()) {
        assertThat(stream.getRoot().getRowCount()).isPositive();
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private List<String> strings(FlightInfo info, String column) throws Exception {
    List<String> values = new ArrayList<>();
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
      while (stream.next()) {
        VarCharVector vector = (VarCharVector) stream.getRoot().getVector(column);
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
          values.add(new String(vector.get(i), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private List<Integer> infoNames(FlightInfo info) throws Exception {
    List<Integer> names = new ArrayList<>();
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), bearer)) {
      while (stream.next()) {
        UInt4Vector vector = (UInt4Vector) stream.getRoot().getVector("info_name");
        for (int i = 0; i < stream.getRoot().getRowCount(); i++) {
          names.add(vector.get(i));
        }
      }
    }
    return names;
  }

  private static void assertStatus(Executable call, FlightStatusCode code) {
    assertThatThrownBy(call::execute)
        .isInstanceOfSatisfying(
            FlightRuntimeException.class, e -> assertThat(e.status().code()).isEqualTo(code));
  }
}
