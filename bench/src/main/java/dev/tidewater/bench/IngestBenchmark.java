package dev.tidewater.bench;

import com.google.protobuf.Any;
import dev.tidewater.flight.EndpointConfig;
import dev.tidewater.flight.FlightEndpoint;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.server.PlannerGateway;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import dev.tidewater.server.Users;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;

/**
 * The bulk ingest benchmark of docs/benchmarks.md: the benchmark's 13 columns as Arrow batches (an
 * Arrow IPC stream file, {@link ArrowGenerator}) sent by Arrow's Flight SQL client ({@code
 * executeIngest}, the {@code CommandStatementIngest} that ADBC sends) to a Tidewater server in this
 * process, into a new Iceberg table; in the same run DuckDB imports the same batches through the
 * Arrow C stream interface and writes them to zstd Parquet.
 *
 * <p>Usage: {@code bench/run-ingest [rows] [runs] [work-dir]} (defaults 5,000,000 rows, 3 runs
 * each, after one warm-up round that is not counted).
 */
public final class IngestBenchmark {
  static final String USER = "bench";
  static final String PASSWORD = "bench-Pa55word";

  private static final long READY_POLL_NANOS = 100_000;

  /**
   * The CPU time the whole process (client, server, JIT and GC) spent on the last ingest: on a
   * machine that other work shares, a steadier measure of the ingest's cost than its wall time.
   */
  static double lastCpuSeconds;

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Path.of(args.length > 2 ? args[2] : "bench-data").toAbsolutePath();
    Path arrow = work.resolve("orders-" + rows + ".arrows");
    System.out.printf("Generating %,d rows into %s ...%n", rows, arrow);
    ArrowGenerator.generate(arrow, rows);
    System.out.printf(
        "Arrow IPC stream: %,d bytes in batches of %,d rows; JVM max heap %,d MB; %d cores%n",
        Files.size(arrow),
        ArrowGenerator.BATCH_ROWS,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    Path dataDir = work.resolve("ingest-" + rows);
    LoadBenchmark.deleteRecursively(dataDir);
    TidewaterConfig config = TidewaterConfig.defaults().withDataDir(dataDir);
    Map<String, String> environment =
        Map.of("TIDEWATER_USER", USER, "TIDEWATER_PASSWORD", PASSWORD);
    Users users = Users.from(config, environment::get, message -> {});
    List<Double> tidewater = new ArrayList<>();
    List<Double> onReady = new ArrayList<>();
    List<Double> duckdb = new ArrayList<>();
    List<Double> tidewaterCpu = new ArrayList<>();
    List<Double> onReadyCpu = new ArrayList<>();
    long peakHeap = 0;
    // -Dtidewater.bench.polling-only=true skips executeIngest and DuckDB (to profile the server).
    boolean executeIngest = !Boolean.getBoolean("tidewater.bench.polling-only");
    try (Tidewater server = Tidewater.start(config, environment::get);
        FlightEndpoint endpoint =
            FlightEndpoint.start(
                new PlannerGateway(server.engine(), users, Tidewater.redactor()),
                server.allocator(),
                EndpointConfig.plaintext("127.0.0.1", 0));
        Client client = new Client(endpoint.port())) {
      System.out.printf(
          Locale.ROOT,
          "warm-up: tidewater %.2f s (executeIngest), %.2f s (polling), duckdb %.2f s%n",
          executeIngest ? client.ingest(server, arrow, "warm_up", rows, Sender.EXECUTE_INGEST) : 0,
          client.ingest(server, arrow, "warm_up_polling", rows, Sender.POLLING),
          duckdb(arrow, work.resolve("duckdb.parquet")));
      for (int run = 1; run <= runs; run++) {
        double duck = duckdb(arrow, work.resolve("duckdb.parquet"));
        LoadBenchmark.resetPeaks();
        double tide =
            executeIngest
                ? client.ingest(server, arrow, "orders_" + run, rows, Sender.EXECUTE_INGEST)
                : Double.NaN;
        peakHeap = Math.max(peakHeap, LoadBenchmark.peakHeapBytes());
        double tideCpu = lastCpuSeconds;
        double ready = client.ingest(server, arrow, "polling_" + run, rows, Sender.POLLING);
        double readyCpu = lastCpuSeconds;
        tidewaterCpu.add(tideCpu);
        onReadyCpu.add(readyCpu);
        duckdb.add(duck);
        tidewater.add(tide);
        onReady.add(ready);
        System.out.printf(
            Locale.ROOT,
            "run %d: tidewater %.2f s (%,.0f rows/s, cpu %.2f s) with executeIngest, %.2f s"
                + " (%,.0f rows/s, cpu %.2f s) polling; duckdb %.2f s (%,.0f rows/s)%n",
            run,
            tide,
            rows / tide,
            tideCpu,
            ready,
            rows / ready,
            readyCpu,
            duck,
            rows / duck);
      }
    } finally {
      LoadBenchmark.deleteRecursively(dataDir);
    }
    double tideMedian = LoadBenchmark.median(tidewater);
    double readyMedian = LoadBenchmark.median(onReady);
    double duckMedian = LoadBenchmark.median(duckdb);
    System.out.printf(
        Locale.ROOT,
        "RESULT rows=%d execute_ingest_median_s=%.2f execute_ingest_rows_per_s=%.0f"
            + " polling_median_s=%.2f polling_rows_per_s=%.0f"
            + " duckdb_median_s=%.2f duckdb_rows_per_s=%.0f ratio=%.2f peak_heap_mb=%d"
            + " execute_ingest_cpu_s=%.2f polling_cpu_s=%.2f (medians of %d runs)%n",
        rows,
        tideMedian,
        rows / tideMedian,
        readyMedian,
        rows / readyMedian,
        duckMedian,
        rows / duckMedian,
        tideMedian / duckMedian,
        peakHeap >> 20,
        LoadBenchmark.median(tidewaterCpu),
        LoadBenchmark.median(onReadyCpu),
        runs);
  }

  /** Opens the benchmark's Arrow IPC stream file. */
  static ArrowStreamReader open(Path arrow, BufferAllocator allocator) throws Exception {
    return new ArrowStreamReader(FileChannel.open(arrow, StandardOpenOption.READ), allocator);
  }

  /** DuckDB importing the Arrow stream (C data interface) and writing it to zstd Parquet. */
  private static double duckdb(Path arrow, Path parquet) throws Exception {
    if (Boolean.getBoolean("tidewater.bench.polling-only")) {
      return Double.NaN;
    }
    Files.deleteIfExists(parquet);
    try (BufferAllocator allocator = new RootAllocator();
        DuckDBConnection connection =
            (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      try (ArrowStreamReader reader = open(arrow, allocator);
          ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
        Data.exportArrayStream(allocator, reader, stream);
        connection.registerArrowStream("batches", stream);
        statement.execute(
            "COPY (SELECT * FROM batches) TO '" + parquet + "' (FORMAT parquet, COMPRESSION zstd)");
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      Files.deleteIfExists(parquet);
    }
  }

  /** How the client puts its batches. */
  enum Sender {
    EXECUTE_INGEST,
    POLLING
  }

  /** Arrow's Flight SQL client, logged in as the benchmark's user. */
  static final class Client implements AutoCloseable {
    final BufferAllocator allocator = new RootAllocator();
    final FlightClient flight;
    final FlightSqlClient sql;
    final CredentialCallOption bearer;

    Client(int port) {
      flight = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
      sql = new FlightSqlClient(flight);
      bearer = flight.authenticateBasicToken(USER, PASSWORD).orElseThrow();
    }

    /**
     * Ingests the Arrow file into a new table iceberg.bench.{@code table}, checks the row count,
     * and drops the table again; answers the seconds of the ingest. {@link Sender#EXECUTE_INGEST}
     * is Arrow's {@code FlightSqlClient.executeIngest}; {@link Sender#POLLING} sends the same
     * command and batches but polls for gRPC's readiness instead of spinning.
     */
    double ingest(Tidewater server, Path arrow, String table, long rows, Sender sender)
        throws Exception {
      double seconds = ingestKept(arrow, table, rows, sender);
      run(server, "DROP TABLE iceberg.bench." + table + " PURGE");
      return seconds;
    }

    /** Ingests the Arrow file into a new table iceberg.bench.{@code table} and keeps it. */
    double ingestKept(Path arrow, String table, long rows, Sender sender) throws Exception {
      TableDefinitionOptions create =
          TableDefinitionOptions.newBuilder()
              .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
              .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL)
              .build();
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      long written;
      try (ArrowStreamReader reader = open(arrow, allocator)) {
        written =
            switch (sender) {
              case EXECUTE_INGEST ->
                  sql.executeIngest(
                      reader,
                      new ExecuteIngestOptions(table, create, "iceberg", "bench", Map.of()),
                      bearer);
              case POLLING -> putWhenReady(reader, table, create);
            };
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      lastCpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      if (written != rows) {
        throw new IllegalStateException("the ingest wrote " + written + " rows, not " + rows);
      }
      return seconds;
    }

    /**
     * The {@code CommandStatementIngest} DoPut of {@code executeIngest}, but each batch is put only
     * once the stream is ready, polling {@code isReady()} every 0.1 ms: Arrow Java's {@code
     * putNext} spins on {@code isReady()} until then, which takes a whole core from the server here
     * (its client stream offers no on-ready callback).
     */
    private long putWhenReady(ArrowStreamReader reader, String table, TableDefinitionOptions create)
        throws Exception {
      CommandStatementIngest command =
          CommandStatementIngest.newBuilder()
              .setTable(table)
              .setCatalog("iceberg")
              .setSchema("bench")
              .setTableDefinitionOptions(create)
              .build();
      try (SyncPutListener listener = new SyncPutListener()) {
        FlightClient.ClientStreamListener put =
            flight.startPut(
                FlightDescriptor.command(Any.pack(command).toByteArray()),
                reader.getVectorSchemaRoot(),
                listener,
                bearer);
        while (reader.loadNextBatch()) {
          while (!put.isReady() && !listener.isCancelled()) {
            LockSupport.parkNanos(READY_POLL_NANOS);
          }
          put.putNext();
        }
        put.completed();
        PutResult result = listener.read();
        long rows;
        try {
          rows =
              DoPutUpdateResult.parseFrom(result.getApplicationMetadata().nioBuffer())
                  .getRecordCount();
        } finally {
          result.close();
        }
        put.getResult();
        return rows;
      }
    }

    @Override
    public void close() throws Exception {
      sql.close();
      allocator.close();
    }
  }

  static void run(Tidewater server, String sql) {
    try (Session session = server.engine().openSession("bench");
        BufferAllocator allocator =
            server.allocator().newChildAllocator("bench", 0, Long.MAX_VALUE);
        ExecutionResult result = session.execute(sql, allocator)) {
      if (result.hasRows()) {
        while (result.rows().next()) {
          // drain
        }
      }
    }
  }
}
