package dev.tidewater.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tidewater.planner.StatementLimits;
import dev.tidewater.planner.metadata.Secrets;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code tidewater.yaml} into a {@link TidewaterConfig}. Every value goes through {@code
 * ${env:NAME}} resolution; every error names the file, the line and the key, and unknown keys are
 * errors (a misspelt {@code users:} must not silently leave the server with a random password).
 */
final class ConfigFileReader {
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> TOP_LEVEL_KEYS =
      Set.of(
          "data-dir",
          "memory-limit",
          "query-memory-limit",
          "statement-timeout",
          "default-catalog",
          "server",
          "users",
          "catalogs",
          "metadata",
          "plugins-dir",
          "drivers");
  private static final Set<String> METADATA_KEYS = Set.of("url", "user", "password");
  private static final Set<String> SERVER_KEYS = Set.of("host", "port", "tls", "allow-plaintext");
  private static final Set<String> TLS_KEYS = Set.of("cert", "key");
  private static final Set<String> USER_KEYS = Set.of("name", "password-hash");
  private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

  private final Path file;
  private final Function<String, String> environment;
  private String text;

  ConfigFileReader(Path file, Function<String, String> environment) {
    this.file = file;
    this.environment = environment;
  }

  TidewaterConfig read() {
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw TidewaterException.user("configuration %s: no such file", file);
    } catch (IOException e) {
      throw TidewaterException.user("configuration %s: cannot read it: %s", file, e);
    }
    JsonNode root;
    try {
      root = new ObjectMapper(YAML).readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation location = e.getLocation();
      throw TidewaterException.user(
          "configuration %s, line %d, column %d: not valid YAML: %s",
          file,
          location == null ? 0 : location.getLineNr(),
          location == null ? 0 : location.getColumnNr(),
          firstLine(e.getOriginalMessage()));
    }
    TidewaterConfig defaults = TidewaterConfig.defaults();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return defaults;
    }
    JsonPointer top = JsonPointer.empty();
    checkKeys(root, top, TOP_LEVEL_KEYS);
    JsonNode server = mapping(root, top, "server");
    JsonPointer serverAt = top.appendProperty("server");
    checkKeys(server, serverAt, SERVER_KEYS);
    JsonNode tls = mapping(server, serverAt, "tls");
    JsonPointer tlsAt = serverAt.appendProperty("tls");
    checkKeys(tls, tlsAt, TLS_KEYS);

    String dataDir = value(root, top, "data-dir");
    String memory = value(root, top, "memory-limit");
    String defaultCatalog = value(root, top, "default-catalog");
    String pluginsDir = value(root, top, "plugins-dir");
    String driversDir = value(root, top, "drivers");
    String host = value(server, serverAt, "host");
    String port = value(server, serverAt, "port");
    String cert = value(tls, tlsAt, "cert");
    String key = value(tls, tlsAt, "key");
    String allowPlaintext = value(server, serverAt, "allow-plaintext");
    long memoryLimit =
        memory == null
            ? defaults.memoryLimitBytes()
            : size(memory, top.appendProperty("memory-limit"));
    return new TidewaterConfig(
        dataDir == null ? defaults.dataDir() : Path.of(dataDir),
        host == null ? defaults.host() : host,
        port == null ? defaults.port() : port(port, serverAt.appendProperty("port")),
        cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key),
        allowPlaintext != null && bool(allowPlaintext, serverAt.appendProperty("allow-plaintext")),
        memoryLimit,
        defaultCatalog == null ? defaults.defaultCatalog() : defaultCatalog,
        catalogs(root, top),
        users(root, top),
        metadata(root, top),
        pluginsDir == null ? null : Path.of(pluginsDir),
        driversDir == null ? null : Path.of(driversDir),
        limits(root, top, memoryLimit));
  }

  /** {@code statement-timeout} (default none) and {@code query-memory-limit}. */
  private StatementLimits limits(JsonNode root, JsonPointer top, long memoryLimit) {
    String timeoutText = value(root, top, "statement-timeout");
    Duration timeout = Duration.ZERO;
    if (timeoutText != null) {
      timeout = StatementLimits.parseDuration(timeoutText);
      if (timeout == null) {
        throw error(
            top.appendProperty("statement-timeout"),
            "a duration such as 30s, 500ms, 10min or 0 (none), not '%s'",
            timeoutText);
      }
    }
    String queryMemory = value(root, top, "query-memory-limit");
    long queryMemoryBytes = TidewaterConfig.defaultQueryMemoryLimit(memoryLimit);
    if (queryMemory != null) {
      JsonPointer at = top.appendProperty("query-memory-limit");
      queryMemoryBytes = size(queryMemory, at);
      if (queryMemoryBytes <= 0 || queryMemoryBytes > memoryLimit) {
        throw error(
            at,
            "must be more than 0 and at most memory-limit (%d bytes), not '%s'",
            memoryLimit,
            queryMemory);
      }
    }
    return new StatementLimits(timeout, queryMemoryBytes);
  }

  private Map<String, Map<String, String>> catalogs(JsonNode root, JsonPointer top) {
    JsonNode catalogs = mapping(root, top, "catalogs");
    JsonPointer catalogsAt = top.appendProperty("catalogs");
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = catalogs.fields();
    while (entries.hasNext()) {
      String name = entries.next().getKey();
      JsonPointer catalogAt = catalogsAt.appendProperty(name);
      JsonNode catalog = mapping(catalogs, catalogsAt, name);
      Map<String, String> properties = new LinkedHashMap<>();
      catalog
          .fieldNames()
          .forEachRemaining(
              property -> properties.put(property, value(catalog, catalogAt, property)));
      String lower = name.toLowerCase(Locale.ROOT);
      if (result.putIfAbsent(lower, properties) != null) {
        throw error(catalogAt, "catalog names are case-insensitive; '%s' is defined twice", lower);
      }
    }
    return result;
  }

  /**
   * {@code metadata: jdbc:postgresql://...}, or a mapping with {@code url}, {@code user} and {@code
   * password}; absent means the data directory's SQLite file.
   */
  private TidewaterConfig.MetadataLocation metadata(JsonNode root, JsonPointer top) {
    JsonNode metadata = root.path("metadata");
    JsonPointer metadataAt = top.appendProperty("metadata");
    if (metadata.isMissingNode() || metadata.isNull()) {
      return null;
    }
    if (metadata.isValueNode()) {
      return location(value(root, top, "metadata"), null, null, metadataAt);
    }
    checkKeys(metadata, metadataAt, METADATA_KEYS);
    return location(
        value(metadata, metadataAt, "url"),
        value(metadata, metadataAt, "user"),
        value(metadata, metadataAt, "password"),
        metadataAt.appendProperty("url"));
  }

  private TidewaterConfig.MetadataLocation location(
      String url, String user, String password, JsonPointer at) {
    if (url == null || !(url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:sqlite:"))) {
      throw error(
          at,
          "the metadata store is a JDBC URL, jdbc:postgresql://host:port/database (or"
              + " jdbc:sqlite:file)");
    }
    return new TidewaterConfig.MetadataLocation(url, user, password);
  }

  private List<TidewaterConfig.UserEntry> users(JsonNode root, JsonPointer top) {
    JsonNode users = root.path("users");
    JsonPointer usersAt = top.appendProperty("users");
    List<TidewaterConfig.UserEntry> result = new ArrayList<>();
    if (users.isMissingNode() || users.isNull()) {
      return result;
    }
    if (!users.isArray()) {
      throw error(usersAt, "must be a list of users, each with 'name' and 'password-hash'");
    }
    for (int index = 0; index < users.size(); index++) {
      JsonNode user = users.get(index);
      JsonPointer userAt = usersAt.appendIndex(index);
      if (!user.isObject()) {
        throw error(userAt, "a user needs 'name' and 'password-hash'");
      }
      checkKeys(user, userAt, USER_KEYS);
      String name = value(user, userAt, "name");
      String hash = value(user, userAt, "password-hash");
      if (name == null || name.isBlank() || hash == null) {
        throw error(userAt, "a user needs 'name' and 'password-hash'");
      }
      try {
        PasswordHashes.check(hash);
      } catch (TidewaterException e) {
        throw error(userAt.appendProperty("password-hash"), "%s", e.getMessage());
      }
      result.add(new TidewaterConfig.UserEntry(name, hash));
    }
    return result;
  }

  /** The field as a mapping; an absent field is an empty one. */
  private JsonNode mapping(JsonNode parent, JsonPointer parentAt, String field) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return EMPTY;
    }
    if (!node.isObject()) {
      throw error(parentAt.appendProperty(field), "must be a mapping of keys to values");
    }
    return node;
  }

  /** A scalar with {@code ${env:NAME}} resolved; null when absent. */
  private String value(JsonNode parent, JsonPointer parentAt, String field) {
    JsonNode node = parent.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    JsonPointer at = parentAt.appendProperty(field);
    if (!node.isValueNode()) {
      throw error(at, "must be a single value, not a %s", node.isArray() ? "list" : "mapping");
    }
    try {
      return Secrets.resolve(node.asText(), environment);
    } catch (TidewaterException e) {
      throw error(at, "%s", e.getMessage());
    }
  }

  private void checkKeys(JsonNode node, JsonPointer at, Set<String> known) {
    if (!node.isObject()) {
      throw error(at, "must be a mapping of keys to values");
    }
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (!known.contains(key)) {
                throw error(
                    at.appendProperty(key),
                    "unknown key '%s' (known here: %s)",
                    key,
                    known.stream().sorted().toList());
              }
            });
  }

  private int port(String text, JsonPointer at) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // the error below says what is expected
    }
    throw error(at, "a port is a number from 0 to 65535, not '%s'", text);
  }

  private boolean bool(String text, JsonPointer at) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(at, "expected true or false, not '%s'", text);
    };
  }

  private long size(String text, JsonPointer at) {
    try {
      return ByteSizes.parse(text);
    } catch (TidewaterException e) {
      throw error(at, "%s", e.getMessage());
    }
  }

  private TidewaterException error(JsonPointer at, String format, Object... args) {
    int line = lineOf(at);
    String where = line > 0 ? file + ", line " + line : file.toString();
    String key = at.matches() ? "" : " (" + dotted(at) + ")";
    return TidewaterException.user(
        "configuration %s%s: %s", where, key, String.format(Locale.ROOT, format, args));
  }

  /**
   * The line of the key (or list item) at {@code at}: the tree keeps no locations, so the text is
   * read once more, now as tokens, only when there is an error to report.
   */
  private int lineOf(JsonPointer at) {
    try (JsonParser parser = YAML.createParser(text)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (parser.getParsingContext().pathAsPointer().equals(at)) {
          return parser.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException e) {
      // the tree was read from the same text; no line is better than hiding the error
    }
    return 0;
  }

  private static String dotted(JsonPointer at) {
    StringBuilder path = new StringBuilder();
    for (JsonPointer step = at; !step.matches(); step = step.tail()) {
      if (step.mayMatchElement()) {
        path.append('[').append(step.getMatchingIndex()).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(step.getMatchingProperty());
      }
    }
    return path.toString();
  }

  private static String firstLine(String message) {
    String trimmed = message == null ? "" : message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }
}
