package dev.tidewater.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import dev.tidewater.planner.load.Failpoints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight SQL bulk ingest ({@code CommandStatementIngest}) from Arrow's own Flight SQL client
 * against a real server: batches streamed into Iceberg tables per ingest mode, and bad input
 * refused with nothing committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkIngestEndToEndTest {
  private static final Schema ORDERS =
      new Schema(
          List.of(
              Field.nullable("order_id", new ArrowType.Int(64, true)),
              Field.nullable("customer", ArrowType.Utf8.INSTANCE)));

  private TidewaterServerFixture server;
  private BufferAllocator allocator;
  private FlightClient client;
  private FlightSqlClient sql;
  private CredentialCallOption bearer;

  @BeforeAll
  void start(@TempDir Path temp) {
    server = new TidewaterServerFixture(temp.resolve("data"));
    allocator = new RootAllocator();
    client =
        FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port()))
            .build();
    sql = new FlightSqlClient(client);
    bearer =
        client
            .authenticateBasicToken(TidewaterServerFixture.USER, TidewaterServerFixture.PASSWORD)
            .orElseThrow();
  }

  @AfterAll
  void stop() throws Exception {
    sql.close();
    allocator.close();
    server.close();
  }

  @Test
  void createsAppendsAndReplacesInOneCommitEach() throws Exception {
    // Three batches in one stream, written in one commit.
    long created =
        ingest("orders", mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null), 3, 4);
    assertThat(created).isEqualTo(12);
    assertThat(values("SELECT count(*) AS n FROM ingest.orders")).containsExactly("12");

    long appended =
        ingest(
            "orders",
            mode(
                TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                TableExistsOption.TABLE_EXISTS_OPTION_APPEND),
            1,
            5);
    assertThat(appended).isEqualTo(5);
    assertThat(values("SELECT count(*) AS n FROM ingest.orders")).containsExactly("17");

    long replaced =
        ingest(
            "orders",
            mode(
                TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE,
                TableExistsOption.TABLE_EXISTS_OPTION_REPLACE),
            1,
            2);
    assertThat(replaced).isEqualTo(2);
    assertThat(values("SELECT customer FROM ingest.orders ORDER BY order_id"))
        .containsExactly("customer-0", "customer-1");
    // The ingest is in the load history like any LOAD.
    assertThat(values("SHOW LOADS")).isNotEmpty();
  }

  @Test
  void aMillionRowsIngestWhileAnotherClientQueries() throws Exception {
    ingest("million", mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null), 1, 1);
    TableDefinitionOptions append =
        mode(
            TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
            TableExistsOption.TABLE_EXISTS_OPTION_APPEND);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try (java.sql.Connection other = server.connect();
        java.sql.Statement query = other.createStatement()) {
      java.util.concurrent.Future<Long> ingested =
          pool.submit(() -> ingest("million", append, 100, 10_000));
      // The other client's queries are answered throughout, and see the table before or after the
      // one commit, never a part of it.
      List<Long> seen = new ArrayList<>();
      do {
        try (java.sql.ResultSet counts =
            query.executeQuery("SELECT count(*) FROM ingest.million")) {
          counts.next();
          seen.add(counts.getLong(1));
        }
      } while (!ingested.isDone());
      assertThat(ingested.get()).isEqualTo(1_000_000L);
      assertThat(seen).isNotEmpty().allSatisfy(n -> assertThat(n).isIn(1L, 1_000_001L));
      try (java.sql.ResultSet after =
          query.executeQuery("SELECT count(*), count(DISTINCT customer) FROM ingest.million")) {
        after.next();
        assertThat(after.getLong(1)).isEqualTo(1_000_001L);
        assertThat(after.getLong(2)).isEqualTo(1_000_000L); // "customer-0" twice
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void appendToAMissingTableIsRefusedAndCreatesNothing() throws Exception {
    FlightRuntimeException error =
        catchThrowableOfType(
            FlightRuntimeException.class,
            () ->
                ingest(
                    "missing",
                    mode(
                        TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                        TableExistsOption.TABLE_EXISTS_OPTION_APPEND),
                    2,
                    3));
    assertThat(error.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
    assertThat(error.getMessage()).contains("unknown table iceberg.ingest.missing");
    assertThat(values("SHOW TABLES IN iceberg.ingest")).doesNotContain("missing");
  }

  @Test
  void aColumnThatDoesNotFitIsRefusedAndCommitsNothing() throws Exception {
    ingest("typed", mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null), 1, 3);
    Schema wrong =
        new Schema(
            List.of(
                Field.nullable("order_id", ArrowType.Utf8.INSTANCE),
                Field.nullable("customer", ArrowType.Utf8.INSTANCE)));
    FlightRuntimeException error =
        catchThrowableOfType(
            FlightRuntimeException.class,
            () ->
                ingest(
                    wrong,
                    "typed",
                    mode(
                        TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL,
                        TableExistsOption.TABLE_EXISTS_OPTION_APPEND),
                    Map.of(),
                    2,
                    3));
    assertThat(error.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
    assertThat(error.getMessage()).contains("column 'order_id'").contains("cannot be written");
    assertThat(values("SELECT count(*) AS n FROM ingest.typed")).containsExactly("3");

    // The default mode (create) refuses an existing table.
    FlightRuntimeException exists =
        catchThrowableOfType(
            FlightRuntimeException.class,
            () -> ingest("typed", TableDefinitionOptions.getDefaultInstance(), 1, 1));
    assertThat(exists.getMessage()).contains("table iceberg.ingest.typed exists");
    assertThat(values("SELECT count(*) AS n FROM ingest.typed")).containsExactly("3");
  }

  @Test
  void optionsAreLoadOptionsAndAnUnknownOneIsRefused() throws Exception {
    FlightRuntimeException error =
        catchThrowableOfType(
            FlightRuntimeException.class,
            () ->
                ingest(
                    ORDERS,
                    "optioned",
                    mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null),
                    Map.of("bogus", "1"),
                    1,
                    2));
    assertThat(error.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
    assertThat(error.getMessage()).contains("unknown LOAD option 'bogus'");
    assertThat(values("SHOW TABLES IN iceberg.ingest")).doesNotContain("optioned");

    long rows =
        ingest(
            ORDERS,
            "optioned",
            mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null),
            Map.of("format_version", "3"),
            1,
            2);
    assertThat(rows).isEqualTo(2);
    assertThat(values("SELECT count(*) AS n FROM ingest.optioned")).containsExactly("2");
  }

  @Test
  void aClientThatGivesUpMidStreamCommitsNothing() throws Exception {
    CommandStatementIngest command =
        CommandStatementIngest.newBuilder()
            .setTable("dropped")
            .setCatalog("iceberg")
            .setSchema("ingest")
            .setTableDefinitionOptions(
                mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null))
            .build();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ORDERS, allocator)) {
      FlightClient.ClientStreamListener put =
          client.startPut(
              FlightDescriptor.command(Any.pack(command).toByteArray()),
              root,
              new AsyncPutListener(),
              bearer);
      root.allocateNew();
      ((BigIntVector) root.getVector(0)).setSafe(0, 1);
      ((VarCharVector) root.getVector(1)).setSafe(0, "Ada".getBytes(StandardCharsets.UTF_8));
      root.setRowCount(1);
      put.putNext();
      // Give up only once the server runs the ingest: a stream cancelled before the server took it
      // up starts no load at all (nothing to record), which made this test race. Watched from a
      // second session: the ingest's own session runs one statement at a time.
      try (java.sql.Connection other = server.connect();
          java.sql.Statement watch = other.createStatement()) {
        List<String> running = List.of();
        for (int attempt = 0; attempt < 600 && !running.contains("RUNNING"); attempt++) {
          Thread.sleep(100);
          running = new ArrayList<>();
          try (java.sql.ResultSet rows =
              watch.executeQuery("SELECT status FROM system.loads WHERE target LIKE '%.dropped'")) {
            while (rows.next()) {
              running.add(rows.getString(1));
            }
          }
        }
        assertThat(running).containsExactly("RUNNING");
      }
      put.error(new IllegalStateException("the client gives up"));
    }
    // The server fails the load when the stream breaks; wait for its history row.
    List<String> status = List.of();
    for (int attempt = 0; attempt < 600 && !status.contains("FAILED"); attempt++) {
      Thread.sleep(100);
      status = values("SELECT status FROM system.loads WHERE target LIKE '%.dropped'");
    }
    assertThat(status).containsExactly("FAILED");
    assertThat(values("SHOW TABLES IN iceberg.ingest")).doesNotContain("dropped");
  }

  @Test
  void anIngestPastItsStatementTimeoutCommitsNothingAndIsRecordedCancelled() throws Exception {
    // The session's statement_timeout covers its ingests; the failpoint holds the ingest after its
    // first batch until the timeout stops it.
    sql.executeUpdate("SET statement_timeout = '500ms'", bearer);
    System.setProperty(Failpoints.PROPERTY, Failpoints.BETWEEN_BATCHES);
    FlightRuntimeException error;
    try {
      error =
          catchThrowableOfType(
              FlightRuntimeException.class,
              () ->
                  ingest(
                      "timed_out",
                      mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null),
                      3,
                      100));
    } finally {
      System.clearProperty(Failpoints.PROPERTY);
      sql.executeUpdate("RESET statement_timeout", bearer);
    }
    assertThat(error.status().code()).isEqualTo(FlightStatusCode.TIMED_OUT);
    assertThat(error.getMessage()).contains("statement timed out after 500ms");
    assertThat(values("SELECT status FROM system.loads WHERE target LIKE '%.timed_out'"))
        .containsExactly("CANCELLED");
    assertThat(values("SHOW TABLES IN iceberg.ingest")).doesNotContain("timed_out");
    // The session goes on: the same ingest without a timeout commits.
    assertThat(
            ingest(
                "timed_out", mode(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, null), 3, 100))
        .isEqualTo(300);
  }

  private static TableDefinitionOptions mode(
      TableNotExistOption ifMissing, TableExistsOption ifExists) {
    TableDefinitionOptions.Builder options =
        TableDefinitionOptions.newBuilder().setIfNotExist(ifMissing);
    if (ifExists != null) {
      options.setIfExists(ifExists);
    }
    return options.build();
  }

  private long ingest(String table, TableDefinitionOptions options, int batches, int rows)
      throws Exception {
    return ingest(ORDERS, table, options, Map.of(), batches, rows);
  }

  /** Streams {@code batches} batches of {@code rows} rows each into iceberg.ingest.table. */
  private long ingest(
      Schema schema,
      String table,
      TableDefinitionOptions options,
      Map<String, String> ingestOptions,
      int batches,
      int rows)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, bytes)) {
      writer.start();
      int id = 0;
      for (int batch = 0; batch < batches; batch++) {
        root.allocateNew();
        for (int row = 0; row < rows; row++, id++) {
          if (root.getVector(0) instanceof BigIntVector ids) {
            ids.setSafe(row, id);
          } else {
            ((VarCharVector) root.getVector(0))
                .setSafe(row, String.valueOf(id).getBytes(StandardCharsets.UTF_8));
          }
          ((VarCharVector) root.getVector(1))
              .setSafe(row, ("customer-" + id).getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(rows);
        writer.writeBatch();
      }
      writer.end();
    }
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
      return sql.executeIngest(
          reader,
          new ExecuteIngestOptions(table, options, "iceberg", "ingest", ingestOptions),
          bearer);
    }
  }

  /** The first column of a query's rows, as text. */
  private List<String> values(String query) throws Exception {
    List<String> values = new ArrayList<>();
    for (FlightEndpoint endpoint : sql.execute(query, bearer).getEndpoints()) {
      try (FlightStream stream = sql.getStream(endpoint.getTicket(), bearer)) {
        while (stream.next()) {
          for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
            values.add(String.valueOf(stream.getRoot().getVector(0).getObject(row)));
          }
        }
      }
    }
    return values;
  }
}
