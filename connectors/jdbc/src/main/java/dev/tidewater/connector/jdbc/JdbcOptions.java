package dev.tidewater.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of a JDBC source. Keys starting with {@code property.} go to the driver as connection
 * properties (e.g. {@code 'property.sslmode' = 'require'}).
 */
record JdbcOptions(
    String url,
    String user,
    String password,
    int fetchSize,
    int parallelism,
    Integer splits,
    String splitColumn,
    boolean binaryCopy,
    Properties driverProperties) {
  static final String URL = "url";
  static final String USER = "user";
  static final String PASSWORD = "password";
  static final String FETCH_SIZE = "fetch_size";
  static final String PARALLELISM = "parallelism";
  static final String SPLITS = "splits";
  static final String SPLIT_COLUMN = "split_column";
  static final String BINARY_COPY = "binary_copy";
  static final String PROPERTY_PREFIX = "property.";

  static final int DEFAULT_FETCH_SIZE = 10_000;

  private static final Set<String> KNOWN =
      Set.of(URL, USER, PASSWORD, FETCH_SIZE, PARALLELISM, SPLITS, SPLIT_COLUMN, BINARY_COPY);

  JdbcOptions {
    requireNonNull(url, "url is null");
    requireNonNull(driverProperties, "driverProperties is null");
  }

  static JdbcOptions parse(String sourceName, Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KNOWN.contains(key) && !key.startsWith(PROPERTY_PREFIX)) {
        throw TidewaterException.user(
            "source '%s': unknown JDBC option '%s' (known: %s, and %s<driver property>)",
            sourceName, key, new TreeSet<>(KNOWN), PROPERTY_PREFIX);
      }
    }
    String url = options.get(URL);
    TidewaterException.check(
        url != null && url.regionMatches(true, 0, "jdbc:", 0, 5),
        "source '%s': option 'url' must be a JDBC URL (jdbc:postgresql://host/db, ...)",
        sourceName);
    Properties properties = new Properties();
    options.forEach(
        (key, value) -> {
          if (key.startsWith(PROPERTY_PREFIX)) {
            properties.setProperty(key.substring(PROPERTY_PREFIX.length()), value);
          }
        });
    int cores = Runtime.getRuntime().availableProcessors();
    String splits = options.get(SPLITS);
    return new JdbcOptions(
        url,
        options.get(USER),
        options.get(PASSWORD),
        positive(sourceName, options, FETCH_SIZE, DEFAULT_FETCH_SIZE),
        positive(sourceName, options, PARALLELISM, cores),
        splits == null ? null : positive(sourceName, options, SPLITS, 1),
        options.get(SPLIT_COLUMN),
        bool(sourceName, options, BINARY_COPY, true),
        properties);
  }

  private static boolean bool(
      String sourceName, Map<String, String> options, String key, boolean fallback) {
    String text = options.get(key);
    if (text == null) {
      return fallback;
    }
    if (text.trim().equalsIgnoreCase("true")) {
      return true;
    }
    if (text.trim().equalsIgnoreCase("false")) {
      return false;
    }
    throw TidewaterException.user(
        "source '%s': option '%s' must be true or false, not '%s'", sourceName, key, text);
  }

  private static int positive(
      String sourceName, Map<String, String> options, String key, int fallback) {
    String text = options.get(key);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw TidewaterException.user(
        "source '%s': option '%s' must be a positive integer, not '%s'", sourceName, key, text);
  }

  /** The connection properties: the driver's own plus user and password. */
  Properties connectionProperties() {
    Properties properties = new Properties();
    properties.putAll(driverProperties);
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** The URL as it may be shown: a password written into it is masked. */
  String displayUrl() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****")
        .replaceAll("(//[^/:@]*:)[^/@]*@", "$1****@");
  }

  @Override
  public String toString() {
    return "JdbcOptions[url=" + displayUrl() + ", user=" + user + "]";
  }
}
