package dev.tidewater.server;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.connector.http.HttpConnectorFactory;
import dev.tidewater.connector.jdbc.JdbcConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.EngineConfig;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.plugin.Plugins;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The composition root: builds the metadata store, catalogs, connectors and the engine from the
 * configuration, by hand.
 */
public final class Tidewater implements AutoCloseable {
  private final BufferAllocator allocator;
  private final Engine engine;
  private final Plugins plugins;

  private Tidewater(BufferAllocator allocator, Engine engine, Plugins plugins) {
    this.allocator = allocator;
    this.engine = engine;
    this.plugins = plugins;
  }

  /**
   * The plugin directory of this installation: {@code plugins/} beside the directory of {@code
   * tidewater.jar} (in a build, {@code server/target/plugins}).
   */
  public static Path defaultPluginsDir() {
    try {
      Path code =
          Path.of(Tidewater.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().resolve("plugins");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("plugins");
    }
  }

  public static Tidewater start(TidewaterConfig config, Function<String, String> environment) {
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put("iceberg", CatalogRegistry.embeddedDefault(config.dataDir().toAbsolutePath()));
    catalogs.putAll(config.catalogs());
    BufferAllocator allocator = new RootAllocator(config.memoryLimitBytes());
    // A broken plugin is logged with its file and left out; the server starts without it.
    Plugins plugins =
        Plugins.load(
            config.pluginsDir() == null ? defaultPluginsDir() : config.pluginsDir(),
            Tidewater.class.getClassLoader(),
            CatalogRegistry.pluginSharedPackages());
    CatalogRegistry registry = null;
    MetadataStore metadata = null;
    try {
      metadata =
          config.metadata() == null
              ? MetadataStore.openSqlite(config.dataDir())
              : MetadataStore.open(
                  config.metadata().url(), config.metadata().user(), config.metadata().password());
      registry = CatalogRegistry.create(catalogs, plugins);
      EngineConfig defaults = EngineConfig.defaults();
      EngineConfig engineConfig =
          new EngineConfig(
              config.defaultCatalog(),
              defaults.defaultNamespace(),
              defaults.loadThreads(),
              defaults.batchRows(),
              environment,
              config.limits());
      Engine engine =
          new Engine(
              engineConfig,
              metadata,
              registry,
              connectorFactories(config.effectiveDriversDir().toAbsolutePath(), plugins),
              allocator);
      return new Tidewater(allocator, engine, plugins);
    } catch (RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      if (metadata != null) {
        metadata.close();
      }
      allocator.close();
      plugins.close();
      throw e;
    }
  }

  /** The source types this process knows: what {@code CREATE SOURCE ... TYPE} accepts. */
  public static List<ConnectorFactory> connectorFactories() {
    return connectorFactories(null);
  }

  /** The source types, with JDBC drivers from {@code driversDir} (null: the shipped ones only). */
  public static List<ConnectorFactory> connectorFactories(Path driversDir) {
    return connectorFactories(driversDir, Plugins.none());
  }

  /**
   * The source types, with JDBC drivers from {@code driversDir} and cloud-storage FileIOs from
   * {@code plugins} ({@code abfss://} through the {@code azure} plugin).
   */
  public static List<ConnectorFactory> connectorFactories(Path driversDir, Plugins plugins) {
    return List.of(
        new FilesConnectorFactory(plugins),
        new JdbcConnectorFactory(driversDir),
        new HttpConnectorFactory());
  }

  /**
   * Masks secret option values in statement text that is echoed, logged or quoted in errors; knows
   * the secret options of {@link #connectorFactories}. Also for statements run on a server.
   */
  public static StatementRedactor redactor() {
    return new StatementRedactor(connectorFactories());
  }

  public Engine engine() {
    return engine;
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  /** The plugins this process loaded, and those it could not. */
  public Plugins plugins() {
    return plugins;
  }

  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      allocator.close();
      plugins.close();
    }
  }
}
