package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.SourceShape;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Creates JDBC sources: a relational database whose tables are the source's objects ({@code CREATE
 * SOURCE shop_db TYPE JDBC WITH (url = 'jdbc:postgresql://db/shop', user = 'etl', password =
 * '${env:PGPASSWORD}')}).
 */
public final class JdbcConnectorFactory implements ConnectorFactory {
  /** The source type. */
  public static final String NAME = "JDBC";

  private final Drivers drivers;

  /** A factory whose extra drivers are the jars of {@code driversDirectory} (may be absent). */
  public JdbcConnectorFactory(Path driversDirectory) {
    this.drivers = new Drivers(driversDirectory);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Connector create(String sourceName, Map<String, String> options) {
    return new JdbcConnector(sourceName, JdbcOptions.parse(sourceName, options), drivers);
  }

  @Override
  public SourceShape shape() {
    return SourceShape.DATABASE;
  }

  @Override
  public Set<String> secretOptionNames() {
    return Set.of(JdbcOptions.PASSWORD);
  }
}
