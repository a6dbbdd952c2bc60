package dev.tidewater.server.cli;

import dev.tidewater.flight.EndpointConfig;
import dev.tidewater.flight.FlightEndpoint;
import dev.tidewater.server.PlannerGateway;
import dev.tidewater.server.Tidewater;
import dev.tidewater.server.TidewaterConfig;
import dev.tidewater.server.Users;
import dev.tidewater.spi.TidewaterException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tidewater server}: the Flight SQL endpoint. */
@Command(name = "server", description = "Serves Flight SQL (JDBC, ADBC, DBeaver) on one port.")
final class ServerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--host", description = "Address to listen on (default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Port to listen on (default 31337).")
  Integer port;

  @Option(
      names = "--allow-plaintext",
      description =
          "Serve without TLS on a non-loopback host (a trusted private network only; passwords"
              + " and data cross it in clear).")
  boolean allowPlaintext;

  @Override
  public Integer call() throws Exception {
    TidewaterConfig config;
    try {
      config = common.load();
    } catch (TidewaterException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    config =
        config.withListen(host == null ? config.host() : host, port == null ? config.port() : port);
    Users users;
    Tidewater tidewater;
    try {
      users = Users.from(config, System::getenv, System.out::println);
      tidewater = Tidewater.start(config, System::getenv);
    } catch (TidewaterException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    EndpointConfig endpointConfig =
        new EndpointConfig(
            config.host(),
            config.port(),
            config.tlsCert(),
            config.tlsKey(),
            EndpointConfig.DEFAULT_STATEMENT_TTL,
            EndpointConfig.DEFAULT_MAX_STATEMENTS,
            allowPlaintext || config.allowPlaintext()
                ? EndpointConfig.Plaintext.ANY_HOST
                : EndpointConfig.Plaintext.LOOPBACK_ONLY);
    FlightEndpoint endpoint;
    try {
      endpoint =
          FlightEndpoint.start(
              new PlannerGateway(tidewater.engine(), users, Tidewater.redactor()),
              tidewater.allocator(),
              endpointConfig);
    } catch (TidewaterException e) {
      tidewater.close();
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    endpoint.close();
                  } catch (Exception e) {
                    System.err.println("error while stopping: " + e);
                  } finally {
                    tidewater.close();
                  }
                }));
    System.out.printf(
        "Tidewater serves Flight SQL on %s:%d (data in %s)%n"
            + "JDBC: jdbc:arrow-flight-sql://%s:%d/?useEncryption=%s%n",
        config.host(),
        endpoint.port(),
        config.dataDir().toAbsolutePath(),
        config.host(),
        endpoint.port(),
        config.tlsCert() != null);
    if (!tidewater.plugins().names().isEmpty()) {
      System.out.printf(
          "Plugins from %s: %s%n",
          tidewater.plugins().directory(), String.join(", ", tidewater.plugins().names()));
    }
    for (var problem : tidewater.plugins().problems()) {
      System.err.println("warning: " + problem);
    }
    endpoint.awaitTermination();
    return 0;
  }
}
