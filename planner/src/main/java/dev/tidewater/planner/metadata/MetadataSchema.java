package dev.tidewater.planner.metadata;

import dev.tidewater.planner.metadata.MetadataDatabase.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The metadata store's schema as numbered migrations, recorded in {@code tw_schema_version}. Each
 * runs once: nodes starting together take a lock first (PostgreSQL: a transaction-scoped advisory
 * lock; SQLite: a write transaction), then apply only the versions that table does not list yet,
 * all in the one transaction that records them.
 */
final class MetadataSchema {
  /** Any constant: the key of the advisory lock that serializes migrations between nodes. */
  private static final long MIGRATION_LOCK = 0x7469646577617465L; // "tidewate"

  private record Migration(int version, String description, List<String> statements) {}

  private static final List<Migration> MIGRATIONS =
      List.of(
          // Stores made before versioning have these tables already: IF NOT EXISTS takes them as
          // they are, and version 2 adds the columns that came later to both.
          new Migration(
              1,
              "sources, contracts, loads",
              List.of(
                  "CREATE TABLE IF NOT EXISTS tw_sources (name VARCHAR(256) PRIMARY KEY, type"
                      + " VARCHAR(64) NOT NULL, options TEXT NOT NULL, created_at BIGINT NOT NULL)",
                  "CREATE TABLE IF NOT EXISTS tw_loads (load_id VARCHAR(64) PRIMARY KEY, source"
                      + " VARCHAR(1024) NOT NULL, target VARCHAR(1024) NOT NULL, disposition"
                      + " VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, rows_read BIGINT,"
                      + " rows_written BIGINT, rows_rejected BIGINT, snapshot_id BIGINT,"
                      + " started_at BIGINT NOT NULL, duration_ms BIGINT, error TEXT)",
                  "CREATE TABLE IF NOT EXISTS tw_contracts (name VARCHAR(256) NOT NULL, version"
                      + " INTEGER NOT NULL, definition_sql TEXT NOT NULL, created_at BIGINT NOT"
                      + " NULL, PRIMARY KEY (name, version))",
                  "CREATE TABLE IF NOT EXISTS tw_load_contracts (load_id VARCHAR(64) PRIMARY KEY,"
                      + " contract_name VARCHAR(256) NOT NULL, contract_version INTEGER NOT NULL)",
                  "CREATE TABLE IF NOT EXISTS tw_load_errors (load_id VARCHAR(64) NOT NULL, rule"
                      + " VARCHAR(1024) NOT NULL, row_count BIGINT NOT NULL)")),
          new Migration(
              2,
              "load cursors and owners",
              List.of(
                  "ALTER TABLE tw_loads ADD COLUMN cursor_before TEXT",
                  "ALTER TABLE tw_loads ADD COLUMN cursor_after TEXT",
                  "ALTER TABLE tw_loads ADD COLUMN owner VARCHAR(512)")),
          new Migration(
              3, "load branches", List.of("ALTER TABLE tw_loads ADD COLUMN branch VARCHAR(256)")));

  private MetadataSchema() {}

  /** The newest schema version this code knows. */
  static int latestVersion() {
    return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
  }

  /** Brings the store to {@link #latestVersion}; returns how many migrations it applied. */
  static int migrate(MetadataDatabase database) {
    return database.transaction(
        "cannot migrate the metadata store " + database.displayUrl(),
        connection -> {
          lock(connection, database.dialect());
          try (Statement statement = connection.createStatement()) {
            statement.execute(
                "CREATE TABLE IF NOT EXISTS tw_schema_version (version INTEGER PRIMARY KEY,"
                    + " description VARCHAR(256) NOT NULL, applied_at BIGINT NOT NULL)");
          }
          int current = currentVersion(connection);
          if (current > latestVersion()) {
            throw dev.tidewater.spi.TidewaterException.user(
                "the metadata store %s has schema version %d, newer than this Tidewater knows (%d):"
                    + " upgrade this node",
                database.displayUrl(), current, latestVersion());
          }
          int applied = 0;
          for (Migration migration : MIGRATIONS) {
            if (migration.version() > current) {
              apply(connection, migration);
              applied++;
            }
          }
          return applied;
        });
  }

  private static void lock(Connection connection, Dialect dialect) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (dialect == Dialect.POSTGRESQL) {
        statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      } else {
        // Takes SQLite's write lock now rather than at the first write.
        statement.execute("CREATE TABLE IF NOT EXISTS tw_schema_lock (id INTEGER PRIMARY KEY)");
        statement.execute("DELETE FROM tw_schema_lock");
      }
    }
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM tw_schema_version")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static void apply(Connection connection, Migration migration) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : migration.statements()) {
        if (!alreadyThere(connection, sql)) {
          statement.execute(sql);
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO tw_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
      insert.setInt(1, migration.version());
      insert.setString(2, migration.description());
      insert.setLong(3, System.currentTimeMillis());
      insert.executeUpdate();
    }
  }

  /**
   * Whether an {@code ADD COLUMN} is already done: stores from before versioning added their
   * columns one by one at start-up.
   */
  private static boolean alreadyThere(Connection connection, String sql) throws SQLException {
    String[] words = sql.split(" ");
    if (!(words.length > 5 && words[0].equals("ALTER") && words[3].equals("ADD"))) {
      return false;
    }
    String table = words[2];
    String column = words[5];
    try (ResultSet columns = connection.getMetaData().getColumns(null, null, table, column)) {
      return columns.next();
    }
  }
}
