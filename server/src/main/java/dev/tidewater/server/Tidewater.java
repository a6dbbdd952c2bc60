package dev.tidewater.server;

import dev.tidewater.connector.files.FilesConnectorFactory;
import dev.tidewater.connector.http.HttpConnectorFactory;
import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.EngineConfig;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.spi.ConnectorFactory;
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

  private Tidewater(BufferAllocator allocator, Engine engine) {
    this.allocator = allocator;
    this.engine = engine;
  }

  public static Tidewater start(TidewaterConfig config, Function<String, String> environment) {
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put("iceberg", CatalogRegistry.embeddedDefault(config.dataDir().toAbsolutePath()));
    catalogs.putAll(config.catalogs());
    BufferAllocator allocator = new RootAllocator(config.memoryLimitBytes());
    CatalogRegistry registry = null;
    MetadataStore metadata = null;
    try {
      metadata = MetadataStore.openSqlite(config.dataDir());
      registry = CatalogRegistry.create(catalogs);
      EngineConfig defaults = EngineConfig.defaults();
      EngineConfig engineConfig =
          new EngineConfig(
              config.defaultCatalog(),
              defaults.defaultNamespace(),
              defaults.loadThreads(),
              defaults.batchRows(),
              environment);
      Engine engine = new Engine(engineConfig, metadata, registry, connectorFactories(), allocator);
      return new Tidewater(allocator, engine);
    } catch (RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      if (metadata != null) {
        metadata.close();
      }
      allocator.close();
      throw e;
    }
  }

  /** The source types this process knows: what {@code CREATE SOURCE ... TYPE} accepts. */
  public static List<ConnectorFactory> connectorFactories() {
    return List.of(new FilesConnectorFactory(), new HttpConnectorFactory());
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

  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      allocator.close();
    }
  }
}
