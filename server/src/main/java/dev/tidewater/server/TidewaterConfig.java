package dev.tidewater.server;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.StatementLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The configuration file ({@code tidewater.yaml}), with {@code ${env:NAME}} resolved in every
 * value. Catalog properties are Iceberg's own and pass through unchanged; {@code limits} are each
 * statement's defaults ({@code statement-timeout}, {@code query-memory-limit}).
 */
public record TidewaterConfig(
    Path dataDir,
    String host,
    int port,
    Path tlsCert,
    Path tlsKey,
    boolean allowPlaintext,
    long memoryLimitBytes,
    String defaultCatalog,
    Map<String, Map<String, String>> catalogs,
    List<UserEntry> users,
    MetadataLocation metadata,
    Path pluginsDir,
    Path driversDir,
    StatementLimits limits) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 31337;
  public static final Path DEFAULT_DATA_DIR = Path.of("tidewater-data");

  public TidewaterConfig {
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(host, "host is null");
    requireNonNull(defaultCatalog, "defaultCatalog is null");
    catalogs = Map.copyOf(catalogs);
    users = List.copyOf(users);
    requireNonNull(limits, "limits is null");
  }

  /**
   * Where the metadata store is when it is not the data directory's SQLite file: a JDBC URL ({@code
   * jdbc:postgresql://...}) with an optional user and password.
   */
  public record MetadataLocation(String url, String user, String password) {
    public MetadataLocation {
      requireNonNull(url, "url is null");
    }
  }

  /** A configured user: a name and a password hash ({@link PasswordHashes}). */
  public record UserEntry(String name, String passwordHash) {
    public UserEntry {
      requireNonNull(name, "name is null");
      requireNonNull(passwordHash, "passwordHash is null");
    }
  }

  /** The embedded default: nothing configured. */
  public static TidewaterConfig defaults() {
    return new TidewaterConfig(
        DEFAULT_DATA_DIR,
        DEFAULT_HOST,
        DEFAULT_PORT,
        null,
        null,
        false,
        defaultMemoryLimit(),
        "iceberg",
        Map.of(),
        List.of(),
        null,
        null,
        null,
        new StatementLimits(Duration.ZERO, defaultQueryMemoryLimit(defaultMemoryLimit())));
  }

  /** The JDBC drivers directory: {@code drivers} in the file, else {@code <data-dir>/drivers}. */
  public Path effectiveDriversDir() {
    return driversDir == null ? dataDir.resolve("drivers") : driversDir;
  }

  /**
   * What one statement may allocate when {@code query-memory-limit} is not set: half of the
   * server's {@code memory-limit}, so that one statement cannot starve all others.
   */
  static long defaultQueryMemoryLimit(long memoryLimitBytes) {
    return Math.max(1, memoryLimitBytes / 2);
  }

  private static long defaultMemoryLimit() {
    // Arrow buffers live off-heap; let them use as much as the heap may.
    return Math.max(512L << 20, Runtime.getRuntime().maxMemory());
  }

  public TidewaterConfig withDataDir(Path dataDir) {
    return new TidewaterConfig(
        dataDir,
        host,
        port,
        tlsCert,
        tlsKey,
        allowPlaintext,
        memoryLimitBytes,
        defaultCatalog,
        catalogs,
        users,
        metadata,
        pluginsDir,
        driversDir,
        limits);
  }

  public TidewaterConfig withListen(String host, int port) {
    return new TidewaterConfig(
        dataDir,
        host,
        port,
        tlsCert,
        tlsKey,
        allowPlaintext,
        memoryLimitBytes,
        defaultCatalog,
        catalogs,
        users,
        metadata,
        pluginsDir,
        driversDir,
        limits);
  }

  /** The same configuration with other statement limits. */
  public TidewaterConfig withLimits(StatementLimits limits) {
    return new TidewaterConfig(
        dataDir,
        host,
        port,
        tlsCert,
        tlsKey,
        allowPlaintext,
        memoryLimitBytes,
        defaultCatalog,
        catalogs,
        users,
        metadata,
        pluginsDir,
        driversDir,
        limits);
  }

  /**
   * Reads a YAML configuration file, resolving {@code ${env:NAME}} in every value; errors name the
   * file, the line and the key.
   */
  public static TidewaterConfig load(Path file, Function<String, String> environment) {
    return new ConfigFileReader(file, environment).read();
  }
}
