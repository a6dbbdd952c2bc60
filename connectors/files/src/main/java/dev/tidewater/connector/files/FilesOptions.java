package dev.tidewater.connector.files;

import static java.util.Objects.requireNonNull;

import dev.tidewater.connector.text.FieldTypes;
import dev.tidewater.spi.TidewaterException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The validated options of a FILES source.
 *
 * @param quote the quote character, or {@code '\0'} when quoting is off ({@code quote = ''})
 * @param escape the escape character inside quoted fields, or empty when quotes are escaped by
 *     doubling them
 * @param recordsPath the object keys leading to the records of a JSON document; empty for the root
 */
record FilesOptions(
    StorageLocation location,
    Map<String, String> storageOptions,
    Optional<FileFormat> format,
    boolean header,
    char delimiter,
    char quote,
    Optional<Character> escape,
    String nullValue,
    Charset encoding,
    int sampleRows,
    Map<String, ArrowType> columns,
    String recordsPathText,
    List<String> recordsPath) {
  static final String LOCATION = "location";
  static final String FORMAT = "format";
  static final String HEADER = "header";
  static final String DELIMITER = "delimiter";
  static final String QUOTE = "quote";
  static final String ESCAPE = "escape";
  static final String NULL_VALUE = "null_value";
  static final String ENCODING = "encoding";
  static final String SAMPLE_ROWS = "sample_rows";
  static final String COLUMNS = "columns";
  static final String RECORDS_PATH = "records_path";
  static final String S3_REGION = "s3.region";
  static final String S3_SECRET_ACCESS_KEY = "s3.secret-access-key";
  static final String S3_SESSION_TOKEN = "s3.session-token";
  static final String GCS_OAUTH2_TOKEN = "gcs.oauth2.token";
  static final String ADLS_SHARED_KEY = "adls.auth.shared-key.account.key";
  static final String ADLS_ENDPOINT = "adls.endpoint";

  /** Secret storage options: masked wherever options are shown, scrubbed from messages. */
  static final Set<String> SECRET_OPTIONS =
      Set.of(S3_SECRET_ACCESS_KEY, S3_SESSION_TOKEN, GCS_OAUTH2_TOKEN, ADLS_SHARED_KEY);

  /**
   * Object-store options, Iceberg's FileIO property names passed through unchanged (except {@code
   * s3.region}, Iceberg's {@code client.region}).
   */
  static final Set<String> S3_OPTIONS =
      Set.of(
          "s3.endpoint",
          S3_REGION,
          "s3.access-key-id",
          S3_SECRET_ACCESS_KEY,
          S3_SESSION_TOKEN,
          "s3.path-style-access",
          "gcs.project-id",
          "gcs.service.host",
          GCS_OAUTH2_TOKEN,
          "adls.auth.shared-key.account.name",
          ADLS_SHARED_KEY,
          ADLS_ENDPOINT);

  static final Set<String> KNOWN_OPTIONS;

  static {
    Set<String> known =
        new TreeSet<>(
            List.of(
                LOCATION,
                FORMAT,
                HEADER,
                DELIMITER,
                QUOTE,
                ESCAPE,
                NULL_VALUE,
                ENCODING,
                SAMPLE_ROWS,
                COLUMNS,
                RECORDS_PATH));
    known.addAll(S3_OPTIONS);
    KNOWN_OPTIONS = Collections.unmodifiableSet(known);
  }

  static final int DEFAULT_SAMPLE_ROWS = 10_000;

  FilesOptions {
    requireNonNull(location, "location is null");
    storageOptions = Map.copyOf(requireNonNull(storageOptions, "storageOptions is null"));
    requireNonNull(format, "format is null");
    requireNonNull(escape, "escape is null");
    requireNonNull(nullValue, "nullValue is null");
    requireNonNull(encoding, "encoding is null");
    columns = Map.copyOf(requireNonNull(columns, "columns is null"));
    requireNonNull(recordsPathText, "recordsPathText is null");
    recordsPath = List.copyOf(requireNonNull(recordsPath, "recordsPath is null"));
  }

  /** Validates a source's options; every problem is a user error naming the option. */
  static FilesOptions parse(String sourceName, Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KNOWN_OPTIONS.contains(key.toLowerCase(Locale.ROOT))) {
        throw TidewaterException.user(
            "source '%s': unknown option '%s' for a FILES source; known options: %s",
            sourceName, key, String.join(", ", KNOWN_OPTIONS));
      }
    }
    String location = value(options, LOCATION);
    if (location == null) {
      throw TidewaterException.user(
          "source '%s': option 'location' is required (a file, a directory or a glob such as"
              + " '/data/landing/*.csv')",
          sourceName);
    }
    String format = value(options, FORMAT);
    char delimiter = delimiter(value(options, DELIMITER));
    char quote = quote(value(options, QUOTE));
    Optional<Character> escape = escape(value(options, ESCAPE), quote);
    if (delimiter == quote) {
      throw TidewaterException.user(
          "options 'delimiter' and 'quote' must differ, both are '%s'", delimiter);
    }
    String encodingName = value(options, ENCODING);
    String columns = value(options, COLUMNS);
    String recordsPath = value(options, RECORDS_PATH);
    String nullValue = value(options, NULL_VALUE);
    if (location.isBlank()) {
      throw TidewaterException.user("option 'location' is empty");
    }
    Map<String, String> storage = new java.util.TreeMap<>();
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey().toLowerCase(Locale.ROOT);
      if (S3_OPTIONS.contains(key) && option.getValue() != null) {
        storage.put(key, option.getValue());
      }
    }
    return new FilesOptions(
        StorageLocation.parse(location),
        storage,
        format == null ? Optional.empty() : Optional.of(FileFormat.parse(format)),
        bool(HEADER, value(options, HEADER), true),
        delimiter,
        quote,
        escape,
        nullValue == null ? "" : nullValue,
        encodingName == null ? StandardCharsets.UTF_8 : charset(encodingName),
        sampleRows(value(options, SAMPLE_ROWS)),
        columns == null || columns.isBlank() ? Map.of() : FieldTypes.parseColumns(columns),
        recordsPath == null ? "$" : recordsPath.trim(),
        recordsPath == null ? List.of() : recordsPath(recordsPath));
  }

  private static String value(Map<String, String> options, String key) {
    for (Map.Entry<String, String> entry : options.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(key)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static boolean bool(String key, String value, boolean defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw TidewaterException.user("option '%s' must be true or false, not '%s'", key, value);
    }
  }

  private static char delimiter(String value) {
    if (value == null) {
      return ',';
    }
    if (value.equals("\\t") || value.equalsIgnoreCase("tab")) {
      return '\t';
    }
    if (value.length() != 1) {
      throw TidewaterException.user(
          "option 'delimiter' must be one character (or 'tab', '\\t'), not '%s'", value);
    }
    char delimiter = value.charAt(0);
    if (delimiter == '\n' || delimiter == '\r') {
      throw TidewaterException.user("option 'delimiter' must not be a line break");
    }
    return delimiter;
  }

  private static char quote(String value) {
    if (value == null) {
      return '"';
    }
    if (value.isEmpty()) {
      return '\0';
    }
    if (value.length() != 1 || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
      throw TidewaterException.user(
          "option 'quote' must be one character (or '' for no quoting), not '%s'", value);
    }
    return value.charAt(0);
  }

  private static Optional<Character> escape(String value, char quote) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.equals("\\\\")) {
      value = "\\";
    }
    if (value.length() != 1) {
      throw TidewaterException.user("option 'escape' must be one character, not '%s'", value);
    }
    char escape = value.charAt(0);
    return escape == quote ? Optional.empty() : Optional.of(escape);
  }

  private static Charset charset(String name) {
    try {
      return Charset.forName(name.trim());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw TidewaterException.user("option 'encoding': unknown character set '%s'", name);
    }
  }

  private static int sampleRows(String value) {
    if (value == null) {
      return DEFAULT_SAMPLE_ROWS;
    }
    try {
      int rows = Integer.parseInt(value.trim());
      if (rows > 0) {
        return rows;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw TidewaterException.user(
        "option 'sample_rows' must be a positive integer, not '%s'", value);
  }

  /** {@code $}, {@code $.features}, {@code $.data.items}, {@code data.items[*]}. */
  private static List<String> recordsPath(String value) {
    String path = value.trim();
    if (path.startsWith("$")) {
      path = path.substring(1);
    }
    if (path.endsWith("[*]")) {
      path = path.substring(0, path.length() - 3);
    }
    if (path.startsWith(".")) {
      path = path.substring(1);
    }
    List<String> keys = new ArrayList<>();
    if (path.isEmpty()) {
      return keys;
    }
    for (String key : path.split("\\.", -1)) {
      if (key.isEmpty() || key.contains("[") || key.contains("]")) {
        throw TidewaterException.user(
            "option 'records_path' must look like '$.data.items' (object keys separated by dots),"
                + " not '%s'",
            value);
      }
      keys.add(key);
    }
    return keys;
  }
}
