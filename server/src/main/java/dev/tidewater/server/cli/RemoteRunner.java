package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Runs statements on a Tidewater server over Flight SQL. */
final class RemoteRunner implements StatementRunner {
  private final BufferAllocator allocator = new RootAllocator();
  private final FlightClient client;
  private final FlightSqlClient sql;
  private final CallOption token;
  private final RemoteProgress progress;

  /** The running query's FlightInfo and stream, for {@link #cancel()}; null between statements. */
  private volatile FlightInfo runningInfo;

  private volatile FlightStream runningStream;

  /** The transport: plaintext, or TLS trusting the system's CAs or those of a PEM file. */
  record Tls(boolean enabled, Path trustedCertificates) {
    static final Tls NONE = new Tls(false, null);
    static final Tls SYSTEM_TRUST = new Tls(true, null);

    static Tls trusting(Path pem) {
      return new Tls(true, pem);
    }
  }

  RemoteRunner(String host, int port, Tls tls, String user, String password) {
    this.client = client(allocator, host, port, tls);
    this.sql = new FlightSqlClient(client);
    try {
      Optional<CredentialCallOption> bearer = client.authenticateBasicToken(user, password);
      this.token = bearer.orElseThrow(() -> new IllegalStateException("no token"));
    } catch (FlightRuntimeException e) {
      close();
      String hint =
          e.status().code() == FlightStatusCode.UNAVAILABLE
              ? tls.enabled()
                  ? " (does the server speak TLS, with a certificate the given CAs sign?)"
                  : " (if the server speaks TLS, add --tls or --tls-ca ca.pem)"
              : "";
      throw new TidewaterException(
          ErrorKind.USER,
          "cannot log in to " + host + ":" + port + ": " + e.getMessage() + hint,
          null);
    }
    this.progress =
        new RemoteProgress(
            sql,
            () ->
                client
                    .authenticateBasicToken(user, password)
                    .orElseThrow(() -> new IllegalStateException("no token")),
            user);
  }

  private static FlightClient client(BufferAllocator allocator, String host, int port, Tls tls) {
    if (!tls.enabled()) {
      return FlightClient.builder(allocator, Location.forGrpcInsecure(host, port)).build();
    }
    FlightClient.Builder builder =
        FlightClient.builder(allocator, Location.forGrpcTls(host, port)).useTls();
    if (tls.trustedCertificates() == null) {
      return builder.build();
    }
    try (InputStream pem = Files.newInputStream(tls.trustedCertificates())) {
      return builder.trustedCertificates(pem).build();
    } catch (IOException e) {
      allocator.close();
      throw TidewaterException.user(
          "cannot read the certificate authorities in " + tls.trustedCertificates() + ": " + e);
    }
  }

  @Override
  public ExecutionResult run(String statement, LoadListener listener) {
    FlightSqlClient.PreparedStatement prepared = null;
    try {
      prepared = sql.prepare(statement, token);
      Schema schema = prepared.getResultSetSchema();
      if (schema.getFields().isEmpty()) {
        return ExecutionResult.update(prepared.executeUpdate(token));
      }
      if (listener == LoadListener.NONE) {
        return ExecutionResult.rows(new StreamReader(start(prepared)));
      }
      // A LOAD runs while its stream waits for its one answer row: follow it meanwhile, so that
      // the bar ends when the LOAD does, as in process.
      Set<String> before = progress.running();
      StreamReader reader = new StreamReader(start(prepared));
      try (RemoteProgress.Watch watch = progress.watch(statement, before, listener)) {
        if (reader.prefetch()) {
          VectorSchemaRoot answer = reader.root();
          if (answer.getVector("load_id") instanceof VarCharVector id
              && answer.getVector("rows_read") instanceof BigIntVector rowsRead
              && !id.isNull(0)
              && !rowsRead.isNull(0)) {
            watch.ended(new String(id.get(0), StandardCharsets.UTF_8), rowsRead.get(0));
          }
        }
      } catch (RuntimeException e) {
        try {
          reader.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
      return ExecutionResult.rows(reader);
    } catch (FlightRuntimeException e) {
      runningInfo = null;
      runningStream = null;
      throw new TidewaterException(ErrorKind.USER, e.getMessage(), null);
    } finally {
      if (prepared != null) {
        // Closing is a call of its own and needs the session's token too.
        prepared.close(token);
      }
    }
  }

  /** Runs the prepared statement: its stream, which {@link #cancel()} can cancel. */
  private FlightStream start(FlightSqlClient.PreparedStatement prepared) {
    FlightInfo info = prepared.execute(token);
    runningInfo = info;
    FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), token);
    runningStream = stream;
    return stream;
  }

  /**
   * Asks the server to cancel the running query or LOAD ({@code CancelFlightInfo}), so that its
   * stream ends with the server's own error; when the server cannot be asked, cancels the stream
   * here, which the server sees as a cancel too. An update (DDL) runs to its end: the server runs
   * it within its one DoPut call.
   */
  @Override
  public void cancel() {
    FlightInfo info = runningInfo;
    FlightStream stream = runningStream;
    if (info == null) {
      return;
    }
    try {
      sql.cancelFlightInfo(new CancelFlightInfoRequest(info), token);
    } catch (FlightRuntimeException e) {
      if (stream != null) {
        stream.cancel("cancelled (interrupted)", e);
      }
    }
  }

  @Override
  public void close() {
    try {
      if (progress != null) {
        progress.close();
      }
      if (token != null) {
        try {
          sql.closeSession(
              new CloseSessionRequest(), token, CallOptions.timeout(10, TimeUnit.SECONDS));
        } catch (FlightRuntimeException e) {
          // The server forgets an idle session by itself; closing is only a courtesy.
        }
      }
      client.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      allocator.close();
    }
  }

  /** A Flight stream as a batch reader. */
  private final class StreamReader implements BatchReader {
    private final FlightStream stream;

    /** Whether {@link #prefetch()} has advanced the stream, and to a batch of rows. */
    private boolean fetched;

    private boolean hasBatch;

    StreamReader(FlightStream stream) {
      this.stream = stream;
    }

    /**
     * Waits for the first batch (a LOAD's answer comes when it ends), which {@link #root()} then
     * holds and the next {@link #next()} returns; false when there is none.
     */
    boolean prefetch() {
      hasBatch = advance();
      fetched = true;
      return hasBatch;
    }

    @Override
    public Schema schema() {
      return stream.getSchema();
    }

    @Override
    public boolean next() {
      if (fetched) {
        fetched = false;
        return hasBatch;
      }
      return advance();
    }

    private boolean advance() {
      try {
        while (stream.next()) {
          if (stream.getRoot().getRowCount() > 0) {
            return true;
          }
        }
        return false;
      } catch (FlightRuntimeException e) {
        throw new TidewaterException(ErrorKind.USER, e.getMessage(), null);
      }
    }

    @Override
    public VectorSchemaRoot root() {
      return stream.getRoot();
    }

    @Override
    public String position(int rowIndex) {
      return "row " + (rowIndex + 1);
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    public void close() {
      runningInfo = null;
      runningStream = null;
      try {
        stream.close();
      } catch (Exception e) {
        throw TidewaterException.internal(e, "cannot close the result stream");
      }
    }
  }
}
