package dev.tidewater.connector.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of the database as Tidewater reads it: its names ({@code catalog} is MySQL's database,
 * otherwise null), its columns and its primary key.
 */
record JdbcTable(
    String catalog,
    String schema,
    String name,
    String sqlName,
    String displayName,
    List<JdbcColumn> columns,
    List<String> primaryKey) {
  JdbcTable {
    requireNonNull(name, "name is null");
    requireNonNull(sqlName, "sqlName is null");
    requireNonNull(displayName, "displayName is null");
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  /** The column named {@code name}: exactly, or ignoring case when that is unambiguous. */
  JdbcColumn column(String wanted) {
    JdbcColumn found = null;
    int matches = 0;
    for (JdbcColumn column : columns) {
      if (column.name().equals(wanted)) {
        return column;
      }
      if (column.name().equalsIgnoreCase(wanted)) {
        found = column;
        matches++;
      }
    }
    return matches == 1 ? found : null;
  }

  /** The columns a request names, in its order; all when it names none. */
  List<JdbcColumn> project(List<String> names) {
    if (names.isEmpty()) {
      return columns;
    }
    List<JdbcColumn> projected = new ArrayList<>();
    for (String wanted : names) {
      JdbcColumn column = column(wanted);
      if (column == null) {
        throw dev.tidewater.spi.TidewaterException.user(
            "%s has no column '%s'", displayName, wanted);
      }
      projected.add(column);
    }
    return projected;
  }
}
