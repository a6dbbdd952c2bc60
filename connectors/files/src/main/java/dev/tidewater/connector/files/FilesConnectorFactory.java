package dev.tidewater.connector.files;

import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.plugin.Plugins;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Creates FILES sources: CSV, JSON, JSON Lines, Parquet and Avro files on the local disk or in
 * object storage, one table per source ({@code CREATE SOURCE s TYPE FILES WITH (location =
 * '/data/landing/*.csv')}).
 */
public final class FilesConnectorFactory implements ConnectorFactory {
  /** The source type. */
  public static final String NAME = "FILES";

  private final Plugins plugins;

  /** Without plugins: {@code abfss://} locations need Iceberg's ADLSFileIO on the class path. */
  public FilesConnectorFactory() {
    this(Plugins.none());
  }

  /**
   * With the server's plugins: {@code abfss://} locations read through the {@code azure} plugin's
   * FileIO, in its own class loader.
   */
  public FilesConnectorFactory(Plugins plugins) {
    this.plugins = Objects.requireNonNull(plugins, "plugins is null");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Connector create(String sourceName, Map<String, String> options) {
    return new FilesConnector(sourceName, FilesOptions.parse(sourceName, options), plugins);
  }

  @Override
  public Set<String> secretOptionNames() {
    return FilesOptions.SECRET_OPTIONS;
  }
}
