package dev.tidewater.server;

import dev.tidewater.flight.EndpointConfig;
import dev.tidewater.flight.FlightEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** A real Tidewater server on a free loopback port, with one user, for end-to-end tests. */
public final class TidewaterServerFixture implements AutoCloseable {
  public static final String USER = "tester";
  public static final String PASSWORD = "s3cret-Pa55";

  private final Tidewater tidewater;
  private final FlightEndpoint endpoint;

  public TidewaterServerFixture(Path dataDir) {
    this(TidewaterConfig.defaults().withDataDir(dataDir));
  }

  /** A server with {@code config}'s data directory and catalogs, listening on a free port. */
  public TidewaterServerFixture(TidewaterConfig config) {
    Map<String, String> environment =
        Map.of("TIDEWATER_USER", USER, "TIDEWATER_PASSWORD", PASSWORD);
    Users users = Users.from(config, environment::get, message -> {});
    this.tidewater = Tidewater.start(config, environment::get);
    this.endpoint =
        FlightEndpoint.start(
            new PlannerGateway(tidewater.engine(), users, Tidewater.redactor()),
            tidewater.allocator(),
            EndpointConfig.plaintext("127.0.0.1", 0));
  }

  public int port() {
    return endpoint.port();
  }

  public Tidewater tidewater() {
    return tidewater;
  }

  String url() {
    return "jdbc:arrow-flight-sql://localhost:" + port() + "/?useEncryption=false";
  }

  /**
   * Every row of an Iceberg table of the {@code iceberg} catalog, read with Iceberg's own reader.
   */
  public List<Record> icebergRows(String namespace, String name) throws IOException {
    Table table =
        tidewater
            .engine()
            .catalogs()
            .catalog("iceberg")
            .loadTable(TableIdentifier.of(namespace, name));
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.copy()));
    }
    return rows;
  }

  public Connection connect() throws SQLException {
    return connect(USER, PASSWORD);
  }

  Connection connect(String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(url(), properties);
  }

  @Override
  public void close() throws Exception {
    try {
      endpoint.close();
    } finally {
      tidewater.close();
    }
  }
}
