package dev.tidewater.connector.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * What differs between the databases Tidewater knows: how a read streams, how splits share one
 * consistent state, and which schemas are the database's own.
 */
enum Dialect {
  POSTGRESQL(Set.of("pg_catalog", "information_schema", "pg_toast")),
  MARIADB(Set.of("information_schema", "mysql", "performance_schema", "sys")),
  SQLITE(Set.of()),
  DUCKDB(Set.of("information_schema", "pg_catalog")),
  OTHER(Set.of("information_schema", "sys", "pg_catalog"));

  private final Set<String> systemSchemas;

  Dialect(Set<String> systemSchemas) {
    this.systemSchemas = systemSchemas;
  }

  static Dialect of(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      return MARIADB;
    }
    if (lower.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (lower.startsWith("jdbc:duckdb:")) {
      return DUCKDB;
    }
    return OTHER;
  }

  boolean isSystemSchema(String schema) {
    return schema != null && systemSchemas.contains(schema.toLowerCase(Locale.ROOT));
  }

  /** Whether objects are {@code catalog.table} (MySQL's databases) rather than schema.table. */
  boolean catalogsAreSchemas() {
    return this == MARIADB;
  }

  /** Connection properties a read needs to stream rather than materialize. */
  void streamingProperties(Properties properties) {
    if (this == DUCKDB) {
      properties.putIfAbsent("jdbc_stream_results", "true");
    }
  }

  /**
   * Prepares a split's connection for a streamed read: PostgreSQL streams through a cursor only
   * with autocommit off; MariaDB streams when a fetch size is set. With a PostgreSQL snapshot, the
   * split reads the state the load exported.
   */
  void beginRead(Connection connection, String snapshot) throws SQLException {
    if (this == SQLITE) {
      return;
    }
    connection.setAutoCommit(false);
    if (this == POSTGRESQL || this == MARIADB) {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }
    if (this == POSTGRESQL) {
      connection.setReadOnly(true);
    }
    if (snapshot != null && this == POSTGRESQL) {
      try (Statement statement = connection.createStatement()) {
        // The snapshot id comes from pg_export_snapshot(): digits, letters and dashes only.
        statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "") + "'");
      }
    }
  }

  /**
   * The clause that ends a query after {@code rows} rows, or "" where the syntax differs (other
   * drivers: the statement's max rows limits it instead).
   */
  String limitClause(long rows) {
    return this == OTHER ? "" : " LIMIT " + rows;
  }

  /** Whether the splits of one load can share one exported snapshot. */
  boolean exportsSnapshots() {
    return this == POSTGRESQL;
  }
}
