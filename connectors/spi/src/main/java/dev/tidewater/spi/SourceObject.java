package dev.tidewater.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One table-like object of a source. A FILES or HTTP source is a single object (empty path); a JDBC
 * source names {@code schema.table}.
 */
public record SourceObject(List<String> path) {
  public static final SourceObject SELF = new SourceObject(List.of());

  public SourceObject {
    path = List.copyOf(requireNonNull(path, "path is null"));
  }

  @Override
  public String toString() {
    return String.join(".", path);
  }
}
