package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Runs statements on a Tidewater server over Flight SQL. */
final class RemoteRunner implements StatementRunner {
  private final BufferAllocator allocator = new RootAllocator();
  private final FlightClient client;
  private final FlightSqlClient sql;
  private final CallOption token;

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
      FlightInfo info = prepared.execute(token);
      runningInfo = info;
      FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), token);
      runningStream = stream;
      return ExecutionResult.rows(new StreamReader(stream));
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

    StreamReader(FlightStream stream) {
      this.stream = stream;
    }

    @Override
    public Schema schema() {
      return stream.getSchema();
    }

    @Override
    public boolean next() {
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
