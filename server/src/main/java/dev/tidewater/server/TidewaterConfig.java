package dev.tidewater.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tidewater.planner.metadata.Secrets;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The configuration file ({@code tidewater.yaml}), with {@code ${env:NAME}} resolved in every
 * value. Catalog properties are Iceberg's own and pass through unchanged.
 */
public record TidewaterConfig(
    Path dataDir,
    String host,
    int port,
    Path tlsCert,
    Path tlsKey,
    long memoryLimitBytes,
    String defaultCatalog,
    Map<String, Map<String, String>> catalogs,
    List<UserEntry> users) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 31337;
  public static final Path DEFAULT_DATA_DIR = Path.of("tidewater-data");

  public TidewaterConfig {
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(host, "host is null");
    requireNonNull(defaultCatalog, "defaultCatalog is null");
    catalogs = Map.copyOf(catalogs);
    users = List.copyOf(users);
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
        defaultMemoryLimit(),
        "iceberg",
        Map.of(),
        List.of());
  }

  private static long defaultMemoryLimit() {
    // Arrow buffers live off-heap; let them use as much as the heap may.
    return Math.max(512L << 20, Runtime.getRuntime().maxMemory());
  }

  public TidewaterConfig withDataDir(Path dataDir) {
    return new TidewaterConfig(
        dataDir, host, port, tlsCert, tlsKey, memoryLimitBytes, defaultCatalog, catalogs, users);
  }

  public TidewaterConfig withListen(String host, int port) {
    return new TidewaterConfig(
        dataDir, host, port, tlsCert, tlsKey, memoryLimitBytes, defaultCatalog, catalogs, users);
  }

  /** Reads a YAML configuration file. */
  public static TidewaterConfig load(Path file, Function<String, String> environment) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw TidewaterException.user("cannot read configuration %s: %s", file, e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return defaults();
    }
    TidewaterConfig defaults = defaults();
    JsonNode server = root.path("server");
    JsonNode tls = server.path("tls");
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = root.path("catalogs").fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      Map<String, String> properties = new LinkedHashMap<>();
      entry
          .getValue()
          .fields()
          .forEachRemaining(
              property ->
                  properties.put(
                      property.getKey(),
                      Secrets.resolve(property.getValue().asText(), environment)));
      catalogs.put(entry.getKey().toLowerCase(Locale.ROOT), properties);
    }
    List<UserEntry> users = new ArrayList<>();
    for (JsonNode user : root.path("users")) {
      String name = text(user, "name", environment);
      String hash = text(user, "password-hash", environment);
      if (name == null || hash == null) {
        throw TidewaterException.user(
            "configuration %s: every user needs 'name' and 'password-hash'", file);
      }
      users.add(new UserEntry(name, hash));
    }
    String dataDir = text(root, "data-dir", environment);
    String memory = text(root, "memory-limit", environment);
    String cert = text(tls, "cert", environment);
    String key = text(tls, "key", environment);
    String host = text(server, "host", environment);
    String port = text(server, "port", environment);
    String defaultCatalog = text(root, "default-catalog", environment);
    return new TidewaterConfig(
        dataDir == null ? defaults.dataDir() : Path.of(dataDir),
        host == null ? defaults.host() : host,
        port == null ? defaults.port() : Integer.parseInt(port),
        cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key),
        memory == null ? defaults.memoryLimitBytes() : ByteSizes.parse(memory),
        defaultCatalog == null ? defaults.defaultCatalog() : defaultCatalog,
        catalogs,
        users);
  }

  private static String text(JsonNode node, String field, Function<String, String> environment) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    return Secrets.resolve(value.asText(), environment);
  }
}
