package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import dev.tidewater.iceberg.CatalogRegistry;
import dev.tidewater.planner.load.LoadHistory;
import dev.tidewater.planner.load.RunningLoads;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.MetadataStore;
import dev.tidewater.planner.metadata.Secrets;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.planner.metadata.StatementRedactor;
import dev.tidewater.planner.query.ScanMetrics;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ConnectorFactory;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The shared services of one Tidewater process: metadata store, catalogs, connector factories and
 * the root allocator. Sessions borrow them; the engine closes them.
 */
public final class Engine implements AutoCloseable {
  private final EngineConfig config;
  private final MetadataStore metadata;
  private final CatalogRegistry catalogs;
  private final Map<String, ConnectorFactory> factories;
  private final BufferAllocator allocator;
  private final ScanMetrics scanMetrics = new ScanMetrics();
  private final RunningLoads runningLoads = new RunningLoads();
  private final StatementRedactor redactor;

  public Engine(
      EngineConfig config,
      MetadataStore metadata,
      CatalogRegistry catalogs,
      List<ConnectorFactory> factories,
      BufferAllocator allocator) {
    this.config = requireNonNull(config, "config is null");
    this.metadata = requireNonNull(metadata, "metadata is null");
    this.catalogs = requireNonNull(catalogs, "catalogs is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    Map<String, ConnectorFactory> byName = new LinkedHashMap<>();
    for (ConnectorFactory factory : factories) {
      byName.put(factory.name().toUpperCase(Locale.ROOT), factory);
    }
    this.factories = Map.copyOf(byName);
    this.redactor = new StatementRedactor(List.copyOf(factories));
    TidewaterException.check(
        catalogs.names().contains(config.defaultCatalog()),
        "the default catalog '%s' is not configured (catalogs: %s)",
        config.defaultCatalog(),
        catalogs.names());
  }

  public Session openSession(String user) {
    return new Session(this, user);
  }

  public EngineConfig config() {
    return config;
  }

  public MetadataStore metadata() {
    return metadata;
  }

  public CatalogRegistry catalogs() {
    return catalogs;
  }

  public List<String> catalogNames() {
    return catalogs.names();
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  /** The loads this process runs now: {@code system.running_loads}. */
  public RunningLoads runningLoads() {
    return runningLoads;
  }

  /** Masks the secrets in statement text (for the running loads' view, logs and errors). */
  public StatementRedactor redactor() {
    return redactor;
  }

  /** The latest Iceberg scans of queries, with the files their filters kept. */
  public ScanMetrics scanMetrics() {
    return scanMetrics;
  }

  /** The factory of a source type; a user error names the known types. */
  public ConnectorFactory factory(String type) {
    ConnectorFactory factory = factories.get(type.toUpperCase(Locale.ROOT));
    if (factory == null) {
      throw TidewaterException.user(
          "unknown source type '%s' (known: %s)", type, factories.keySet());
    }
    return factory;
  }

  /**
   * Load history, newest first, with the loads whose process died or whose commit outcome was
   * unknown settled from their tables (and the settled records stored).
   */
  public List<LoadRecord> loads() {
    List<LoadRecord> loads = new ArrayList<>();
    for (LoadRecord load : metadata.loads()) {
      loads.add(settle(load));
    }
    return loads;
  }

  /** One load, settled like {@link #loads()}. */
  public Optional<LoadRecord> load(String loadId) {
    return metadata.load(loadId).map(this::settle);
  }

  private LoadRecord settle(LoadRecord load) {
    if (!LoadHistory.unsettled(load)) {
      return load;
    }
    LoadRecord settled =
        LoadHistory.settle(load, catalogs, config.defaultCatalog(), config.defaultNamespace());
    if (settled.equals(load) || metadata.replaceLoadIfStatus(settled, load.status())) {
      return settled;
    }
    // Its process recorded the outcome meanwhile: that record is the better one.
    return metadata.load(load.loadId()).orElse(settled);
  }

  /** Option values as users may see them: secrets masked. */
  public Map<String, String> maskedOptions(SourceDefinition source) {
    Set<String> secrets = factory(source.type()).secretOptionNames();
    return Secrets.mask(source.options(), secrets);
  }

  /** Opens a connector for a stored source, resolving {@code ${env:...}} only now. */
  public Connector connect(SourceDefinition source) {
    Map<String, String> options = Secrets.resolveAll(source.options(), config.environment());
    return factory(source.type()).create(source.name(), options);
  }

  @Override
  public void close() {
    catalogs.close();
    metadata.close();
  }
}
