package dev.tidewater.iceberg;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.PluginClassLoader;
import dev.tidewater.spi.plugin.Plugins;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Iceberg catalogs Tidewater knows, by name. Each catalog is configured with Iceberg's own
 * catalog properties, passed through unchanged, and built on first use, so one unreachable catalog
 * does not keep the others from working.
 */
public final class CatalogRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogRegistry.class);

  /** The catalog name of the embedded default, as SQL uses it. */
  public static final String DEFAULT_CATALOG = "iceberg";

  private final Map<String, Map<String, String>> properties;
  private final Plugins plugins;
  private final Map<String, Catalog> catalogs = new HashMap<>();
  private final Configuration hadoopConf;
  private boolean closed;

  private CatalogRegistry(Map<String, Map<String, String>> properties, Plugins plugins) {
    this.properties = properties;
    this.plugins = plugins;
    this.hadoopConf = new Configuration();
    // Local warehouses: Hadoop's default local file system writes a .crc file next to every data
    // file and checksums every byte; object stores and Iceberg's own metadata make that redundant.
    hadoopConf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    hadoopConf.setBoolean("fs.file.impl.disable.cache", true);
  }

  /**
   * A registry of {@code catalogs}: name to Iceberg catalog properties ({@code type}, {@code uri},
   * {@code warehouse}, {@code io-impl}, ...). Names are case-insensitive.
   */
  public static CatalogRegistry create(Map<String, Map<String, String>> catalogs) {
    return create(catalogs, Plugins.none());
  }

  /**
   * A registry of {@code catalogs} whose classes may come from {@code plugins}: {@code type: hive}
   * from plugin {@code hive}, a {@code catalog-impl} the server does not have from the plugin that
   * holds it, or the plugin a catalog's {@code plugin} property names.
   */
  public static CatalogRegistry create(Map<String, Map<String, String>> catalogs, Plugins plugins) {
    requireNonNull(catalogs, "catalogs is null");
    requireNonNull(plugins, "plugins is null");
    Map<String, Map<String, String>> byName = new TreeMap<>();
    for (Map.Entry<String, Map<String, String>> entry : catalogs.entrySet()) {
      String name = entry.getKey().toLowerCase(Locale.ROOT);
      TidewaterException.check(!name.isBlank(), "a catalog needs a name");
      TidewaterException.check(
          !byName.containsKey(name),
          "catalog '%s' is configured twice (catalog names are case-insensitive)",
          name);
      byName.put(name, Map.copyOf(requireNonNull(entry.getValue(), "catalog properties")));
    }
    return new CatalogRegistry(byName, plugins);
  }

  /**
   * The properties of the embedded default catalog: a JDBC catalog on the SQLite file {@code
   * <dataDir>/catalog.db} with its warehouse in {@code <dataDir>/warehouse}. Creates {@code
   * dataDir} when missing, since SQLite cannot create the directory of its database file.
   */
  public static Map<String, String> embeddedDefault(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path warehouse = dir.resolve("warehouse");
    try {
      Files.createDirectories(warehouse);
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot create the data directory %s", dir);
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC);
    props.put(CatalogProperties.URI, "jdbc:sqlite:" + dir.resolve("catalog.db"));
    props.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toUri().toString());
    // V1 adds the record-type column that views need.
    props.put("jdbc.schema-version", "V1");
    // SQLite allows one writer at a time; one pooled connection serializes this process's catalog
    // operations instead of failing them with SQLITE_BUSY.
    props.put(CatalogProperties.CLIENT_POOL_SIZE, "1");
    // Other processes on the same data directory (tidewater run next to a server) wait for the
    // lock instead of failing at once; WAL lets readers proceed while one of them writes.
    props.put("jdbc.busy_timeout", "30000");
    props.put("jdbc.journal_mode", "WAL");
    return props;
  }

  private static final long RETRY_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

  private final Map<String, Failure> failures = new java.util.HashMap<>();

  private record Failure(TidewaterException error, long atNanos) {}

  /**
   * The catalog named {@code name} (case-insensitive); a user error when there is none. A catalog
   * that failed to open is tried again after 30 seconds; until then its error is answered at once.
   */
  public Catalog catalog(String name) {
    requireNonNull(name, "name is null");
    String key = name.toLowerCase(Locale.ROOT);
    Map<String, String> props = properties.get(key);
    if (props == null) {
      throw TidewaterException.user(
          "unknown catalog '%s' (catalogs: %s)", name, String.join(", ", names()));
    }
    synchronized (catalogs) {
      TidewaterException.check(!closed, "the catalog registry is closed");
      Catalog catalog = catalogs.get(key);
      if (catalog == null) {
        Failure failure = failures.get(key);
        if (failure != null && System.nanoTime() - failure.atNanos() < RETRY_AFTER_NANOS) {
          throw failure.error();
        }
        try {
          catalog = build(key, props);
        } catch (TidewaterException e) {
          // A catalog that cannot be reached is not asked again for a while: every statement
          // would otherwise wait out the client's connection retries.
          failures.put(key, new Failure(e, System.nanoTime()));
          throw e;
        }
        failures.remove(key);
        catalogs.put(key, catalog);
      }
      return catalog;
    }
  }

  /** The configured catalog names, lower case, sorted. */
  public List<String> names() {
    return List.copyOf(properties.keySet());
  }

  @Override
  public void close() {
    List<Catalog> open;
    synchronized (catalogs) {
      closed = true;
      open = new ArrayList<>(catalogs.values());
      catalogs.clear();
    }
    for (Catalog catalog : open) {
      if (catalog instanceof Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException | RuntimeException e) {
          LOG.warn("Failed to close catalog {}", catalog.name(), e);
        }
      }
    }
  }

  /** The classes shared with catalog plugins (Iceberg's, Hadoop's client API, the SPI). */
  public static List<String> pluginSharedPackages() {
    return PluginCatalogs.SHARED_PACKAGES;
  }

  private Catalog build(String name, Map<String, String> props) {
    Optional<PluginClassLoader> plugin = PluginCatalogs.pluginFor(name, props, plugins);
    Map<String, String> icebergProps = new HashMap<>(props);
    icebergProps.remove(PluginCatalogs.PLUGIN);
    if (plugin.isEmpty()) {
      return buildIceberg(name, icebergProps, hadoopConf);
    }
    PluginClassLoader loader = plugin.get();
    // Hadoop's Configuration looks up the classes its values name (Hive's hooks) through its own
    // loader, which copies of it keep.
    Configuration pluginConf = new Configuration(hadoopConf);
    pluginConf.setClassLoader(loader);
    Catalog catalog =
        PluginClassLoader.withContextLoader(
            loader, () -> buildIceberg(name, icebergProps, pluginConf));
    LOG.info("catalog '{}' built by plugin '{}'", name, loader.pluginName());
    return PluginCatalogs.wrap(name, catalog, loader);
  }

  private static Catalog buildIceberg(String name, Map<String, String> props, Configuration conf) {
    try {
      return CatalogUtil.buildIcebergCatalog(name, props, conf);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      throw new TidewaterException(
          ErrorKind.USER,
          String.format("catalog '%s' is misconfigured: %s", name, e.getMessage()),
          e);
    } catch (RuntimeException | LinkageError e) {
      throw TidewaterException.external(e, "cannot open catalog '%s': %s", name, e.getMessage());
    }
  }
}
