package dev.tidewater.connector.files;

import dev.tidewater.spi.TidewaterException;
import dev.tidewater.spi.plugin.Plugins;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code location} option: a local path or {@code file:} URI ({@link FileLocation}), or an
 * object-store URI ({@link ObjectLocation}: {@code s3://}, {@code gs://}, {@code abfss://}).
 * Exactly one of {@code local} and {@code object} is set.
 */
record StorageLocation(String text, FileLocation local, ObjectLocation object) {
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");

  /** Parses and checks a location without touching the file system or the network. */
  static StorageLocation parse(String location) {
    String text = location.trim();
    Matcher scheme = SCHEME.matcher(text);
    if (scheme.find()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (ObjectLocation.isObjectStore(name)) {
        return new StorageLocation(
            text, null, ObjectLocation.parse(text, name, text.substring(scheme.end())));
      }
      if (!name.equals("file")) {
        throw TidewaterException.user(
            "location '%s': %s:// locations are not supported by FILES sources; use a local path,"
                + " file://, s3://, gs:// or abfss://",
            text, name);
      }
    }
    return new StorageLocation(text, FileLocation.parse(text), null);
  }

  boolean isObjectStore() {
    return object != null;
  }

  /** The store that lists and reads the files; for object stores, builds the client. */
  FileStore open(Map<String, String> storageOptions, Collection<String> secrets, Plugins plugins) {
    return object == null
        ? new LocalFileStore(local)
        : ObjectFileStore.open(object, storageOptions, secrets, plugins);
  }

  @Override
  public String toString() {
    return text;
  }
}
