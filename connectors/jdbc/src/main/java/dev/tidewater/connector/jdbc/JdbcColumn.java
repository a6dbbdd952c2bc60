package dev.tidewater.connector.jdbc;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.vector.types.pojo.Field;

/**
 * One column of a database table: its name, the database's type name, and how Tidewater reads it
 * (the Arrow field and the kind of value conversion).
 */
record JdbcColumn(String name, String databaseType, Field field, ValueKind kind) {
  JdbcColumn {
    requireNonNull(name, "name is null");
    requireNonNull(databaseType, "databaseType is null");
    requireNonNull(field, "field is null");
    requireNonNull(kind, "kind is null");
  }

  /** How a value is taken from a {@link java.sql.ResultSet} and put into a vector. */
  enum ValueKind {
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    DECIMAL,
    /** A decimal the target cannot hold exactly (unbounded or over 38 digits): its plain text. */
    DECIMAL_TEXT,
    BOOLEAN,
    TEXT,
    DATE,
    TIME,
    TIMESTAMP,
    TIMESTAMP_TZ,
    BINARY,
    ARRAY
  }

  /** Whether range splits can be cut over this column. */
  boolean splittable() {
    return kind == ValueKind.INT
        || kind == ValueKind.LONG
        || kind == ValueKind.DATE
        || kind == ValueKind.TIMESTAMP
        || kind == ValueKind.TIMESTAMP_TZ;
  }
}
