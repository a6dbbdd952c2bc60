package dev.tidewater.planner.metadata;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sources, contracts and load history in one small JDBC database: a SQLite file by default,
 * PostgreSQL when several nodes share it. Access is serialized on one connection; the store is tiny
 * and cold.
 */
public final class MetadataStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> OPTIONS = new TypeReference<>() {};

  private final Connection connection;

  private MetadataStore(Connection connection) {
    this.connection = connection;
  }

  /** Opens (and creates when missing) the SQLite store {@code <dataDir>/tidewater.db}. */
  public static MetadataStore openSqlite(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw TidewaterException.external(e, "cannot create data directory %s", dataDir);
    }
    return open("jdbc:sqlite:" + dataDir.resolve("tidewater.db").toAbsolutePath());
  }

  /** Opens the store at a JDBC URL and creates its tables when missing. */
  public static MetadataStore open(String jdbcUrl) {
    try {
      Connection connection = DriverManager.getConnection(jdbcUrl);
      MetadataStore store = new MetadataStore(connection);
      store.createTables();
      return store;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot open the metadata store: %s", e.getMessage());
    }
  }

  private void createTables() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (connection.getMetaData().getURL().startsWith("jdbc:sqlite:")) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("PRAGMA busy_timeout=10000");
      }
      statement.execute(
          "CREATE TABLE IF NOT EXISTS tw_sources (name VARCHAR(256) PRIMARY KEY, type VARCHAR(64)"
              + " NOT NULL, options TEXT NOT NULL, created_at BIGINT NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS tw_loads (load_id VARCHAR(64) PRIMARY KEY, source"
              + " VARCHAR(1024) NOT NULL, target VARCHAR(1024) NOT NULL, disposition VARCHAR(32)"
              + " NOT NULL, status VARCHAR(16) NOT NULL, rows_read BIGINT, rows_written BIGINT,"
              + " rows_rejected BIGINT, snapshot_id BIGINT, started_at BIGINT NOT NULL,"
              + " duration_ms BIGINT, error TEXT, cursor_before TEXT, cursor_after TEXT)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS tw_contracts (name VARCHAR(256) NOT NULL, version INTEGER"
              + " NOT NULL, definition_sql TEXT NOT NULL, created_at BIGINT NOT NULL,"
              + " PRIMARY KEY (name, version))");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS tw_load_contracts (load_id VARCHAR(64) PRIMARY KEY,"
              + " contract_name VARCHAR(256) NOT NULL, contract_version INTEGER NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS tw_load_errors (load_id VARCHAR(64) NOT NULL, rule"
              + " VARCHAR(1024) NOT NULL, row_count BIGINT NOT NULL)");
      addColumnIfMissing(statement, "tw_loads", "cursor_before", "TEXT");
      addColumnIfMissing(statement, "tw_loads", "cursor_after", "TEXT");
      addColumnIfMissing(statement, "tw_loads", "owner", "VARCHAR(512)");
    }
  }

  /** Upgrades a store made by an earlier version. */
  private void addColumnIfMissing(Statement statement, String table, String column, String type)
      throws SQLException {
    try (ResultSet columns = connection.getMetaData().getColumns(null, null, table, column)) {
      if (columns.next()) {
        return;
      }
    }
    statement.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
  }

  public synchronized void putSource(SourceDefinition source) {
    try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM tw_sources WHERE name = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tw_sources (name, type, options, created_at) VALUES (?, ?, ?, ?)")) {
      delete.setString(1, source.name());
      delete.executeUpdate();
      insert.setString(1, source.name());
      insert.setString(2, source.type());
      insert.setString(3, JSON.writeValueAsString(new TreeMap<>(source.options())));
      insert.setLong(4, source.createdAt().toEpochMilli());
      insert.executeUpdate();
    } catch (SQLException | IOException e) {
      throw TidewaterException.external(e, "cannot store source '%s'", source.name());
    }
  }

  public synchronized Optional<SourceDefinition> source(String name) {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT name, type, options, created_at FROM tw_sources WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(source(rows)) : Optional.empty();
      }
    } catch (SQLException | IOException e) {
      throw TidewaterException.external(e, "cannot read source '%s'", name);
    }
  }

  public synchronized List<SourceDefinition> sources() {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT name, type, options, created_at FROM tw_sources ORDER BY name")) {
      List<SourceDefinition> sources = new ArrayList<>();
      while (rows.next()) {
        sources.add(source(rows));
      }
      return sources;
    } catch (SQLException | IOException e) {
      throw TidewaterException.external(e, "cannot list sources");
    }
  }

  /** Removes a source; false when there was none. */
  public synchronized boolean dropSource(String name) {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM tw_sources WHERE name = ?")) {
      delete.setString(1, name);
      return delete.executeUpdate() > 0;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot drop source '%s'", name);
    }
  }

  private static SourceDefinition source(ResultSet rows) throws SQLException, IOException {
    Map<String, String> options = JSON.readValue(rows.getString(3), OPTIONS);
    return new SourceDefinition(
        rows.getString(1), rows.getString(2), options, Instant.ofEpochMilli(rows.getLong(4)));
  }

  /** Inserts or updates a load's history row. */
  public synchronized void putLoad(LoadRecord load) {
    try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM tw_loads WHERE load_id = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tw_loads (load_id, source, target, disposition, status, rows_read,"
                    + " rows_written, rows_rejected, snapshot_id, started_at, duration_ms, error,"
                    + " cursor_before, cursor_after, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?)")) {
      delete.setString(1, load.loadId());
      delete.executeUpdate();
      insert.setString(1, load.loadId());
      insert.setString(2, load.source());
      insert.setString(3, load.target());
      insert.setString(4, load.disposition());
      insert.setString(5, load.status().name());
      insert.setLong(6, load.rowsRead());
      insert.setLong(7, load.rowsWritten());
      insert.setLong(8, load.rowsRejected());
      if (load.snapshotId() == null) {
        insert.setNull(9, Types.BIGINT);
      } else {
        insert.setLong(9, load.snapshotId());
      }
      insert.setLong(10, load.startedAt().toEpochMilli());
      insert.setLong(11, load.durationMillis());
      insert.setString(12, load.error());
      insert.setString(13, load.cursorBefore());
      insert.setString(14, load.cursorAfter());
      insert.setString(15, load.owner());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot record load '%s'", load.loadId());
    }
  }

  /**
   * Replaces a load's history row with {@code load} only if the stored row still has status {@code
   * expected} (a compare-and-set: the load's own process may record its outcome at the same time);
   * returns whether it did.
   */
  public synchronized boolean replaceLoadIfStatus(LoadRecord load, LoadRecord.LoadStatus expected) {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE tw_loads SET status = ?, rows_read = ?, rows_written = ?, rows_rejected = ?,"
                + " snapshot_id = ?, duration_ms = ?, error = ?, cursor_after = ?"
                + " WHERE load_id = ? AND status = ?")) {
      update.setString(1, load.status().name());
      update.setLong(2, load.rowsRead());
      update.setLong(3, load.rowsWritten());
      update.setLong(4, load.rowsRejected());
      if (load.snapshotId() == null) {
        update.setNull(5, Types.BIGINT);
      } else {
        update.setLong(5, load.snapshotId());
      }
      update.setLong(6, load.durationMillis());
      update.setString(7, load.error());
      update.setString(8, load.cursorAfter());
      update.setString(9, load.loadId());
      update.setString(10, expected.name());
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot record load '%s'", load.loadId());
    }
  }

  /** Records how many rows of a load broke each rule. */
  public synchronized void putLoadErrors(String loadId, Map<String, Long> countsByRule) {
    try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM tw_load_errors WHERE load_id = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tw_load_errors (load_id, rule, row_count) VALUES (?, ?, ?)")) {
      delete.setString(1, loadId);
      delete.executeUpdate();
      for (Map.Entry<String, Long> entry : countsByRule.entrySet()) {
        insert.setString(1, loadId);
        insert.setString(2, entry.getKey());
        insert.setLong(3, entry.getValue());
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot record the errors of load '%s'", loadId);
    }
  }

  /** Per-rule counts of every load: {@code [load_id, rule, rows]}. */
  public synchronized List<Object[]> loadErrors() {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT load_id, rule, row_count FROM tw_load_errors ORDER BY load_id, rule")) {
      List<Object[]> errors = new ArrayList<>();
      while (rows.next()) {
        errors.add(new Object[] {rows.getString(1), rows.getString(2), rows.getLong(3)});
      }
      return errors;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot list load errors");
    }
  }

  /** One load, if recorded. */
  public synchronized Optional<LoadRecord> load(String loadId) {
    return loads().stream().filter(load -> load.loadId().equals(loadId)).findFirst();
  }

  /** Load history, newest first. */
  public synchronized List<LoadRecord> loads() {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT l.load_id, l.source, l.target, l.disposition, l.status, l.rows_read,"
                    + " l.rows_written, l.rows_rejected, l.snapshot_id, l.started_at,"
                    + " l.duration_ms, l.error, l.cursor_before, l.cursor_after, l.owner,"
                    + " c.contract_name, c.contract_version FROM tw_loads l LEFT JOIN"
                    + " tw_load_contracts c ON c.load_id = l.load_id"
                    + " ORDER BY l.started_at DESC, l.load_id")) {
      List<LoadRecord> loads = new ArrayList<>();
      while (rows.next()) {
        long snapshot = rows.getLong(9);
        Long snapshotId = rows.wasNull() ? null : snapshot;
        loads.add(
            new LoadRecord(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                LoadRecord.LoadStatus.valueOf(rows.getString(5)),
                rows.getLong(6),
                rows.getLong(7),
                rows.getLong(8),
                snapshotId,
                rows.getString(13),
                rows.getString(14),
                Instant.ofEpochMilli(rows.getLong(10)),
                rows.getLong(11),
                rows.getString(12),
                rows.getString(15),
                rows.getString(16) == null ? null : rows.getString(16) + " v" + rows.getInt(17)));
      }
      return loads;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot list loads");
    }
  }

  /**
   * Stores version {@code version} of contract {@code name}: the canonical text of its {@code
   * CREATE CONTRACT} statement. Earlier versions stay; a user error when that version exists.
   */
  public synchronized void putContract(
      String name, int version, String definitionSql, Instant createdAt) {
    new StoredContract(name, version, definitionSql, createdAt); // checks the arguments
    try (PreparedStatement exists =
            connection.prepareStatement(
                "SELECT 1 FROM tw_contracts WHERE name = ? AND version = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tw_contracts (name, version, definition_sql, created_at)"
                    + " VALUES (?, ?, ?, ?)")) {
      exists.setString(1, name);
      exists.setInt(2, version);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          throw TidewaterException.user(
              "contract '%s' version %d already exists (another session changed it); run the"
                  + " statement again",
              name, version);
        }
      }
      insert.setString(1, name);
      insert.setInt(2, version);
      insert.setString(3, definitionSql);
      insert.setLong(4, createdAt.toEpochMilli());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot store contract '%s'", name);
    }
  }

  /** The latest version of contract {@code name}, if there is one. */
  public synchronized Optional<StoredContract> contract(String name) {
    return selectContracts(
            "SELECT name, version, definition_sql, created_at FROM tw_contracts WHERE name = ?"
                + " ORDER BY version DESC",
            name,
            null)
        .stream()
        .findFirst();
  }

  /** Version {@code version} of contract {@code name}, if stored (a dropped one is not). */
  public synchronized Optional<StoredContract> contract(String name, int version) {
    return selectContracts(
            "SELECT name, version, definition_sql, created_at FROM tw_contracts WHERE name = ?"
                + " AND version = ?",
            name,
            version)
        .stream()
        .findFirst();
  }

  /** The latest version of every contract, by name. */
  public synchronized List<StoredContract> contracts() {
    return selectContracts(
        "SELECT c.name, c.version, c.definition_sql, c.created_at FROM tw_contracts c WHERE"
            + " c.version = (SELECT MAX(v.version) FROM tw_contracts v WHERE v.name = c.name)"
            + " ORDER BY c.name",
        null,
        null);
  }

  /** Removes every version of a contract; false when there was none. */
  public synchronized boolean dropContract(String name) {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM tw_contracts WHERE name = ?")) {
      delete.setString(1, name);
      return delete.executeUpdate() > 0;
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot drop contract '%s'", name);
    }
  }

  private List<StoredContract> selectContracts(String sql, String name, Integer version) {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      if (name != null) {
        select.setString(1, name);
      }
      if (version != null) {
        select.setInt(2, version);
      }
      List<StoredContract> contracts = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          contracts.add(
              new StoredContract(
                  rows.getString(1),
                  rows.getInt(2),
                  rows.getString(3),
                  Instant.ofEpochMilli(rows.getLong(4))));
        }
      }
      return contracts;
    } catch (SQLException e) {
      throw TidewaterException.external(
          e, "cannot read contract%s", name == null ? "s" : " '" + name + "'");
    }
  }

  /** Records that load {@code use.loadId()} validated its rows with a contract version. */
  public synchronized void putContractUse(ContractUse use) {
    try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM tw_load_contracts WHERE load_id = ?");
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO tw_load_contracts (load_id, contract_name, contract_version)"
                    + " VALUES (?, ?, ?)")) {
      delete.setString(1, use.loadId());
      delete.executeUpdate();
      insert.setString(1, use.loadId());
      insert.setString(2, use.contractName());
      insert.setInt(3, use.contractVersion());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot record the contract of load '%s'", use.loadId());
    }
  }

  /** The contract a load used, if it used one. */
  public synchronized Optional<ContractUse> contractUse(String loadId) {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT load_id, contract_name, contract_version FROM tw_load_contracts"
                + " WHERE load_id = ?")) {
      select.setString(1, loadId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(new ContractUse(rows.getString(1), rows.getString(2), rows.getInt(3)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot read the contract of load '%s'", loadId);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw TidewaterException.external(e, "cannot close the metadata store");
    }
  }
}
