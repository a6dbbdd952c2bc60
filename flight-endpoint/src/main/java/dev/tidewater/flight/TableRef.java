package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

/** A table as metadata calls list it; {@code type} is {@link #TABLE} or {@link #SYSTEM_TABLE}. */
public record TableRef(String catalog, String namespace, String name, String type) {
  public static final String TABLE = "TABLE";
  public static final String SYSTEM_TABLE = "SYSTEM TABLE";

  public TableRef {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(namespace, "namespace is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
