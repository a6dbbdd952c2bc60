package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Flight SQL server: the producer, the authenticator and the sessions on one port. */
public final class FlightEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlightEndpoint.class);

  private final EndpointConfig config;
  private final FlightServer server;
  private final int port;
  private final TidewaterFlightSqlProducer producer;
  private final SessionRegistry sessions;
  private final BufferAllocator serverAllocator;
  private final BufferAllocator statementAllocator;

  private FlightEndpoint(
      EndpointConfig config,
      FlightServer server,
      TidewaterFlightSqlProducer producer,
      SessionRegistry sessions,
      BufferAllocator serverAllocator,
      BufferAllocator statementAllocator) {
    this.config = config;
    this.server = server;
    this.port = server.getPort();
    this.producer = producer;
    this.sessions = sessions;
    this.serverAllocator = serverAllocator;
    this.statementAllocator = statementAllocator;
  }

  /**
   * Starts listening. Plaintext is refused on a host that is not a loopback address: such an
   * endpoint needs a TLS certificate and key.
   */
  public static FlightEndpoint start(
      GatewayService service, BufferAllocator allocator, EndpointConfig config) {
    requireNonNull(service, "service is null");
    requireNonNull(allocator, "allocator is null");
    requireNonNull(config, "config is null");
    if (!config.tls()
        && config.plaintext() == EndpointConfig.Plaintext.LOOPBACK_ONLY
        && !isLoopback(config.host())) {
      throw TidewaterException.user(
          "Flight SQL endpoint: plaintext on %s would expose passwords and data to the network;"
              + " listen on a loopback host (127.0.0.1, localhost), set tls.cert and tls.key, or"
              + " on a trusted private network pass --allow-plaintext",
          config.host());
    }
    BufferAllocator serverAllocator =
        allocator.newChildAllocator("flight-server", 0, allocator.getLimit());
    BufferAllocator statementAllocator =
        allocator.newChildAllocator("flight-statements", 0, allocator.getLimit());
    SessionRegistry sessions =
        new SessionRegistry(service, SessionRegistry.IDLE_TIMEOUT, SessionRegistry.MAX_SESSIONS);
    TidewaterFlightSqlProducer producer =
        new TidewaterFlightSqlProducer(sessions, statementAllocator, config);
    try {
      Location location =
          config.tls()
              ? Location.forGrpcTls(config.host(), config.port())
              : Location.forGrpcInsecure(config.host(), config.port());
      FlightServer.Builder builder =
          FlightServer.builder(serverAllocator, location, producer)
              .headerAuthenticator(new BearerTokenAuthenticator(service, sessions));
      if (config.tls()) {
        builder.useTls(config.tlsCert().toFile(), config.tlsKey().toFile());
      }
      FlightServer server = builder.build().start();
      FlightEndpoint endpoint =
          new FlightEndpoint(
              config, server, producer, sessions, serverAllocator, statementAllocator);
      LOG.info("Flight SQL endpoint listening on {}", endpoint.location().getUri());
      return endpoint;
    } catch (IOException | RuntimeException e) {
      closeQuietly(e, producer, sessions, statementAllocator, serverAllocator);
      if (e instanceof TidewaterException tidewater) {
        throw tidewater;
      }
      throw TidewaterException.external(
          e,
          "Flight SQL endpoint: cannot listen on %s:%d%s: %s",
          config.host(),
          config.port(),
          config.tls() ? " with TLS " + config.tlsCert() : "",
          e.getMessage());
    }
  }

  /** The port the server listens on (the chosen one when the configuration said 0). */
  public int port() {
    return port;
  }

  public Location location() {
    return config.tls()
        ? Location.forGrpcTls(config.host(), port())
        : Location.forGrpcInsecure(config.host(), port());
  }

  /** Blocks until the server shuts down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, waits for running ones, then closes sessions and allocators. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      AutoCloseables.close(producer, sessions, statementAllocator, serverAllocator);
    } catch (Exception e) {
      throw TidewaterException.internal(e, "Flight SQL endpoint: closing failed: %s", e);
    }
    LOG.info("Flight SQL endpoint on port {} closed", port());
  }

  private static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw TidewaterException.user("Flight SQL endpoint: unknown host %s", host);
    }
  }

  private static void closeQuietly(Exception failure, AutoCloseable... resources) {
    try {
      AutoCloseables.close(resources);
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
