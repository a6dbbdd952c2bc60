package dev.tidewater.connector.http;

import static java.util.Objects.requireNonNull;

import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.connector.text.JsonKeyPath;
import dev.tidewater.spi.TidewaterException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The validated options of an HTTP source.
 *
 * @param headers extra request headers (options {@code header.<name>})
 * @param maxPages the most pages one read fetches, or empty for no limit
 * @param cursorParam the query parameter that carries the incremental cursor, or empty
 * @param maxPageBytes the largest page body held in memory
 */
record HttpOptions(
    URI url,
    JsonKeyPath recordsPath,
    Paginator.Config paginator,
    Authentication authentication,
    Map<String, String> headers,
    OptionalInt maxPages,
    RetryPolicy retries,
    Duration connectTimeout,
    Optional<String> cursorParam,
    CursorFormat cursorFormat,
    int samplePages,
    int sampleRows,
    int maxPageBytes,
    Map<String, ArrowType> columns) {
  static final String URL = "url";
  static final String RECORDS_PATH = "records_path";
  static final String PAGINATOR = "paginator";
  static final String MAX_PAGES = "max_pages";
  static final String AUTH = "auth";
  static final String TOKEN = "token";
  static final String USER = "user";
  static final String PASSWORD = "password";
  static final String API_KEY = "api_key";
  static final String API_KEY_NAME = "api_key_name";
  static final String API_KEY_LOCATION = "api_key_location";
  static final String MAX_RETRIES = "max_retries";
  static final String RETRY_DELAY_MS = "retry_delay_ms";
  static final String RETRY_MAX_DELAY_MS = "retry_max_delay_ms";
  static final String TIMEOUT_SECONDS = "timeout_seconds";
  static final String CONNECT_TIMEOUT_SECONDS = "connect_timeout_seconds";
  static final String CURSOR_PARAM = "cursor_param";
  static final String CURSOR_FORMAT = "cursor_format";
  static final String SAMPLE_PAGES = "sample_pages";
  static final String SAMPLE_ROWS = "sample_rows";
  static final String MAX_PAGE_BYTES = "max_page_bytes";
  static final String COLUMNS = "columns";
  static final String HEADER_PREFIX = "header.";

  /** Values that are secrets: masked in SHOW, DESCRIBE, EXPLAIN, logs and errors. */
  static final Set<String> SECRETS = Set.of(TOKEN, PASSWORD, API_KEY);

  private static final Set<String> KNOWN;

  static {
    Set<String> known =
        new TreeSet<>(
            List.of(
                URL,
                RECORDS_PATH,
                PAGINATOR,
                MAX_PAGES,
                AUTH,
                TOKEN,
                USER,
                PASSWORD,
                API_KEY,
                API_KEY_NAME,
                API_KEY_LOCATION,
                MAX_RETRIES,
                RETRY_DELAY_MS,
                RETRY_MAX_DELAY_MS,
                TIMEOUT_SECONDS,
                CONNECT_TIMEOUT_SECONDS,
                CURSOR_PARAM,
                CURSOR_FORMAT,
                SAMPLE_PAGES,
                SAMPLE_ROWS,
                MAX_PAGE_BYTES,
                COLUMNS));
    known.addAll(Paginator.Config.OPTIONS);
    KNOWN = Set.copyOf(known);
  }

  HttpOptions {
    requireNonNull(url, "url is null");
    requireNonNull(recordsPath, "recordsPath is null");
    requireNonNull(paginator, "paginator is null");
    requireNonNull(authentication, "authentication is null");
    headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    requireNonNull(maxPages, "maxPages is null");
    requireNonNull(retries, "retries is null");
    requireNonNull(connectTimeout, "connectTimeout is null");
    requireNonNull(cursorParam, "cursorParam is null");
    requireNonNull(cursorFormat, "cursorFormat is null");
    columns = Map.copyOf(requireNonNull(columns, "columns is null"));
  }

  static HttpOptions parse(Map<String, String> options) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey().toLowerCase(Locale.ROOT);
      if (key.startsWith(HEADER_PREFIX) && key.length() > HEADER_PREFIX.length()) {
        headers.put(key.substring(HEADER_PREFIX.length()), option.getValue());
      } else if (!KNOWN.contains(key)) {
        throw TidewaterException.user(
            "unknown option '%s' for an HTTP source (known: %s, header.<name>)",
            option.getKey(), String.join(", ", new TreeSet<>(KNOWN)));
      }
    }
    Options values = new Options(options);
    String columns = values.text(COLUMNS);
    return new HttpOptions(
        url(values.required(URL)),
        JsonKeyPath.parse(RECORDS_PATH, values.text(RECORDS_PATH, "$")),
        Paginator.Config.parse(values),
        Authentication.parse(values),
        headers,
        values.has(MAX_PAGES) ? OptionalInt.of(values.positive(MAX_PAGES, 1)) : OptionalInt.empty(),
        new RetryPolicy(
            values.nonNegative(MAX_RETRIES, 5),
            Duration.ofMillis(values.nonNegative(RETRY_DELAY_MS, 500)),
            Duration.ofMillis(values.nonNegative(RETRY_MAX_DELAY_MS, 30_000)),
            Duration.ofSeconds(values.positive(TIMEOUT_SECONDS, 30))),
        Duration.ofSeconds(values.positive(CONNECT_TIMEOUT_SECONDS, 10)),
        Optional.ofNullable(values.text(CURSOR_PARAM)).filter(param -> !param.isBlank()),
        CursorFormat.parse(values.text(CURSOR_FORMAT, CursorFormat.ISO)),
        values.positive(SAMPLE_PAGES, 1),
        values.positive(SAMPLE_ROWS, 10_000),
        values.positive(MAX_PAGE_BYTES, 64 << 20),
        columns == null || columns.isBlank() ? Map.of() : FieldTypes.parseColumns(columns));
  }

  private static URI url(String text) {
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw TidewaterException.user(
        "option 'url' must be an http:// or https:// URL, not '%s'", Masking.maskUserInfo(text));
  }

  /** Option values by lower-case key, with typed accessors that name the option in errors. */
  static final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();

    Options(Map<String, String> options) {
      options.forEach((key, value) -> values.put(key.toLowerCase(Locale.ROOT), value));
    }

    boolean has(String key) {
      return values.get(key) != null;
    }

    String text(String key) {
      return values.get(key);
    }

    String text(String key, String defaultValue) {
      String value = values.get(key);
      return value == null ? defaultValue : value;
    }

    String required(String key) {
      String value = values.get(key);
      if (value == null || value.isBlank()) {
        throw TidewaterException.user("an HTTP source needs option '%s'", key);
      }
      return value;
    }

    /** A lower-case choice among {@code allowed}. */
    String choice(String key, String defaultValue, List<String> allowed) {
      String value = text(key, defaultValue).trim().toLowerCase(Locale.ROOT);
      if (!allowed.contains(value)) {
        throw TidewaterException.user(
            "option '%s' must be one of %s, not '%s'",
            key, String.join(", ", allowed), text(key, defaultValue));
      }
      return value;
    }

    int positive(String key, int defaultValue) {
      int value = integer(key, defaultValue);
      if (value <= 0) {
        throw TidewaterException.user(
            "option '%s' must be a positive integer, not '%s'", key, values.get(key));
      }
      return value;
    }

    int nonNegative(String key, int defaultValue) {
      int value = integer(key, defaultValue);
      if (value < 0) {
        throw TidewaterException.user(
            "option '%s' must be zero or a positive integer, not '%s'", key, values.get(key));
      }
      return value;
    }

    private int integer(String key, int defaultValue) {
      String value = values.get(key);
      if (value == null) {
        return defaultValue;
      }
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw TidewaterException.user("option '%s' must be an integer, not '%s'", key, value);
      }
    }
  }
}
