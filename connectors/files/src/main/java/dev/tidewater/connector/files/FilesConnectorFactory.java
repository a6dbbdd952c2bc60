package dev.tidewater.connector.files;

import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import java.util.Map;
import java.util.Set;

/**
 * Creates FILES sources: CSV, JSON, JSON Lines, Parquet and Avro files on the local disk or in
 * object storage, one table per source ({@code CREATE SOURCE s TYPE FILES WITH (location =
 * '/data/landing/*.csv')}).
 */
public final class FilesConnectorFactory implements ConnectorFactory {
  /** The source type. */
  public static final String NAME = "FILES";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Connector create(String sourceName, Map<String, String> options) {
    return new FilesConnector(sourceName, FilesOptions.parse(sourceName, options));
  }

  @Override
  public Set<String> secretOptionNames() {
    return FilesOptions.SECRET_OPTIONS;
  }
}
