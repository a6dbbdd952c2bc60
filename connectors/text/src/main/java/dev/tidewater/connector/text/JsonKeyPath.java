package dev.tidewater.connector.text;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path of object keys into a JSON document, written {@code $}, {@code $.data.items} or {@code
 * data.items[*]} (a trailing {@code [*]} is allowed and means the same).
 *
 * @param text the path as the user wrote it, for messages
 * @param keys the object keys from the root; empty for the document itself
 */
public record JsonKeyPath(String text, List<String> keys) {
  public JsonKeyPath {
    requireNonNull(text, "text is null");
    keys = List.copyOf(requireNonNull(keys, "keys is null"));
  }

  /** Parses the value of option {@code option}; a user error naming it when malformed. */
  public static JsonKeyPath parse(String option, String value) {
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
    if (!path.isEmpty()) {
      for (String key : path.split("\\.", -1)) {
        if (key.isEmpty() || key.contains("[") || key.contains("]")) {
          throw TidewaterException.user(
              "option '%s' must look like '$.data.items' (object keys separated by dots), not '%s'",
              option, value);
        }
        keys.add(key);
      }
    }
    return new JsonKeyPath(value.trim(), keys);
  }

  /** Whether this path is the document itself. */
  public boolean isRoot() {
    return keys.isEmpty();
  }

  @Override
  public String toString() {
    return text;
  }
}
