package dev.tidewater.planner.metadata;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * PostgreSQL when several nodes share it. Access is serialized on one connection, each call one
 * transaction; writes are upserts or compare-and-sets, so nodes sharing the store need no locks of
 * their own. The store is tiny and cold.
 */
public final class MetadataStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> OPTIONS = new TypeReference<>() {};

  private final MetadataDatabase database;

  private MetadataStore(MetadataDatabase database) {
    this.database = database;
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

  /** Opens the store at a JDBC URL and migrates its schema. */
  public static MetadataStore open(String jdbcUrl) {
    return open(jdbcUrl, null, null);
  }

  /**
   * Opens the store at a JDBC URL (SQLite or PostgreSQL) with a user and password (either may be
   * null, or part of the URL) and brings its schema to the newest version; nodes that open one
   * PostgreSQL store together run each migration once.
   */
  public static MetadataStore open(String jdbcUrl, String user, String password) {
    MetadataDatabase database = new MetadataDatabase(jdbcUrl, user, password);
    try {
      MetadataSchema.migrate(database);
      return new MetadataStore(database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** Where the store is, without credentials. */
  public String location() {
    return database.displayUrl();
  }

  /** Creates or replaces a source (an upsert: nodes racing on one name both succeed). */
  public void putSource(SourceDefinition source) {
    database.transaction(
        "cannot store source '" + source.name() + "'",
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO tw_sources (name, type, options, created_at) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (name) DO UPDATE SET type = excluded.type,"
                      + " options = excluded.options, created_at = excluded.created_at")) {
            upsert.setString(1, source.name());
            upsert.setString(2, source.type());
            upsert.setString(3, JSON.writeValueAsString(new TreeMap<>(source.options())));
            upsert.setLong(4, source.createdAt().toEpochMilli());
            return upsert.executeUpdate();
          }
        });
  }

  public Optional<SourceDefinition> source(String name) {
    return database.transaction(
        "cannot read source '" + name + "'",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT name, type, options, created_at FROM tw_sources WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(source(rows)) : Optional.<SourceDefinition>empty();
            }
          }
        });
  }

  public List<SourceDefinition> sources() {
    return database.transaction(
        "cannot list sources",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows =
                  statement.executeQuery(
                      "SELECT name, type, options, created_at FROM tw_sources ORDER BY name")) {
            List<SourceDefinition> sources = new ArrayList<>();
            while (rows.next()) {
              sources.add(source(rows));
            }
            return sources;
          }
        });
  }

  /** Removes a source; false when there was none. */
  public boolean dropSource(String name) {
    return database.transaction(
        "cannot drop source '" + name + "'",
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM tw_sources WHERE name = ?")) {
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
          }
        });
  }

  private static SourceDefinition source(ResultSet rows) throws SQLException, IOException {
    Map<String, String> options = JSON.readValue(rows.getString(3), OPTIONS);
    return new SourceDefinition(
        rows.getString(1), rows.getString(2), options, Instant.ofEpochMilli(rows.getLong(4)));
  }

  /** Inserts or updates a load's history row. */
  public void putLoad(LoadRecord load) {
    database.transaction(
        "cannot record load '" + load.loadId() + "'",
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO tw_loads (load_id, source, target, disposition, status, rows_read,"
                      + " rows_written, rows_rejected, snapshot_id, started_at, duration_ms,"
                      + " error, cursor_before, cursor_after, owner, branch) VALUES (?, ?, ?, ?, ?,"
                      + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (load_id) DO UPDATE SET"
                      + " source = excluded.source, target = excluded.target,"
                      + " disposition = excluded.disposition, status = excluded.status,"
                      + " rows_read = excluded.rows_read, rows_written = excluded.rows_written,"
                      + " rows_rejected = excluded.rows_rejected,"
                      + " snapshot_id = excluded.snapshot_id, started_at = excluded.started_at,"
                      + " duration_ms = excluded.duration_ms, error = excluded.error,"
                      + " cursor_before = excluded.cursor_before,"
                      + " cursor_after = excluded.cursor_after, owner = excluded.owner,"
                      + " branch = excluded.branch")) {
            upsert.setString(1, load.loadId());
            upsert.setString(2, load.source());
            upsert.setString(3, load.target());
            upsert.setString(4, load.disposition());
            upsert.setString(5, load.status().name());
            upsert.setLong(6, load.rowsRead());
            upsert.setLong(7, load.rowsWritten());
            upsert.setLong(8, load.rowsRejected());
            setLong(upsert, 9, load.snapshotId());
            upsert.setLong(10, load.startedAt().toEpochMilli());
            upsert.setLong(11, load.durationMillis());
            upsert.setString(12, load.error());
            upsert.setString(13, load.cursorBefore());
            upsert.setString(14, load.cursorAfter());
            upsert.setString(15, load.owner());
            upsert.setString(16, load.branch());
            return upsert.executeUpdate();
          }
        });
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  /**
   * Replaces a load's history row with {@code load} only if the stored row still has status {@code
   * expected} (a compare-and-set: the load's own process may record its outcome at the same time);
   * returns whether it did.
   */
  public boolean replaceLoadIfStatus(LoadRecord load, LoadRecord.LoadStatus expected) {
    return database.transaction(
        "cannot record load '" + load.loadId() + "'",
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE tw_loads SET status = ?, rows_read = ?, rows_written = ?,"
                      + " rows_rejected = ?, snapshot_id = ?, duration_ms = ?, error = ?,"
                      + " cursor_after = ? WHERE load_id = ? AND status = ?")) {
            update.setString(1, load.status().name());
            update.setLong(2, load.rowsRead());
            update.setLong(3, load.rowsWritten());
            update.setLong(4, load.rowsRejected());
            setLong(update, 5, load.snapshotId());
            update.setLong(6, load.durationMillis());
            update.setString(7, load.error());
            update.setString(8, load.cursorAfter());
            update.setString(9, load.loadId());
            update.setString(10, expected.name());
            return update.executeUpdate() == 1;
          }
        });
  }

  /** Records how many rows of a load broke each rule. */
  public void putLoadErrors(String loadId, Map<String, Long> countsByRule) {
    database.transaction(
        "cannot record the errors of load '" + loadId + "'",
        connection -> {
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
            return null;
          }
        });
  }

  /** Per-rule counts of every load: {@code [load_id, rule, rows]}. */
  public List<Object[]> loadErrors() {
    return database.transaction(
        "cannot list load errors",
        connection -> {
          try (Statement statement = connection.createStatement();
              ResultSet rows =
                  statement.executeQuery(
                      "SELECT load_id, rule, row_count FROM tw_load_errors"
                          + " ORDER BY load_id, rule")) {
            List<Object[]> errors = new ArrayList<>();
            while (rows.next()) {
              errors.add(new Object[] {rows.getString(1), rows.getString(2), rows.getLong(3)});
            }
            return errors;
          }
        });
  }

  /** One load, if recorded. */
  public Optional<LoadRecord> load(String loadId) {
    return selectLoads("cannot read load '" + loadId + "'", " WHERE l.load_id = ?", loadId).stream()
        .findFirst();
  }

  /** Load history, newest first. */
  public List<LoadRecord> loads() {
    return selectLoads("cannot list loads", "", null);
  }

  private List<LoadRecord> selectLoads(String failure, String where, String loadId) {
    return database.transaction(
        failure,
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT l.load_id, l.source, l.target, l.disposition, l.status, l.rows_read,"
                      + " l.rows_written, l.rows_rejected, l.snapshot_id, l.started_at,"
                      + " l.duration_ms, l.error, l.cursor_before, l.cursor_after, l.owner,"
                      + " c.contract_name, c.contract_version, l.branch FROM tw_loads l LEFT JOIN"
                      + " tw_load_contracts c ON c.load_id = l.load_id"
                      + where
                      + " ORDER BY l.started_at DESC, l.load_id")) {
            if (loadId != null) {
              select.setString(1, loadId);
            }
            List<LoadRecord> loads = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                loads.add(load(rows));
              }
            }
            return loads;
          }
        });
  }

  private static LoadRecord load(ResultSet rows) throws SQLException {
    long snapshot = rows.getLong(9);
    Long snapshotId = rows.wasNull() ? null : snapshot;
    return new LoadRecord(
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
        rows.getString(16) == null ? null : rows.getString(16) + " v" + rows.getInt(17),
        rows.getString(18));
  }

  /**
   * Stores version {@code version} of contract {@code name}: the canonical text of its {@code
   * CREATE CONTRACT} statement. Earlier versions stay; a user error when that version exists (also
   * when another node stored it a moment before).
   */
  public void putContract(String name, int version, String definitionSql, Instant createdAt) {
    new StoredContract(name, version, definitionSql, createdAt); // checks the arguments
    int inserted =
        database.transaction(
            "cannot store contract '" + name + "'",
            connection -> {
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      "INSERT INTO tw_contracts (name, version, definition_sql, created_at)"
                          + " VALUES (?, ?, ?, ?) ON CONFLICT (name, version) DO NOTHING")) {
                insert.setString(1, name);
                insert.setInt(2, version);
                insert.setString(3, definitionSql);
                insert.setLong(4, createdAt.toEpochMilli());
                return insert.executeUpdate();
              }
            });
    if (inserted == 0) {
      throw TidewaterException.user(
          "contract '%s' version %d already exists (another session changed it); run the"
              + " statement again",
          name, version);
    }
  }

  /** The latest version of contract {@code name}, if there is one. */
  public Optional<StoredContract> contract(String name) {
    return selectContracts(
            "SELECT name, version, definition_sql, created_at FROM tw_contracts WHERE name = ?"
                + " ORDER BY version DESC",
            name,
            null)
        .stream()
        .findFirst();
  }

  /** Version {@code version} of contract {@code name}, if stored (a dropped one is not). */
  public Optional<StoredContract> contract(String name, int version) {
    return selectContracts(
            "SELECT name, version, definition_sql, created_at FROM tw_contracts WHERE name = ?"
                + " AND version = ?",
            name,
            version)
        .stream()
        .findFirst();
  }

  /** The latest version of every contract, by name. */
  public List<StoredContract> contracts() {
    return selectContracts(
        "SELECT c.name, c.version, c.definition_sql, c.created_at FROM tw_contracts c WHERE"
            + " c.version = (SELECT MAX(v.version) FROM tw_contracts v WHERE v.name = c.name)"
            + " ORDER BY c.name",
        null,
        null);
  }

  /** Removes every version of a contract; false when there was none. */
  public boolean dropContract(String name) {
    return database.transaction(
        "cannot drop contract '" + name + "'",
        connection -> {
          try (PreparedStatement delete =
              connection.prepareStatement("DELETE FROM tw_contracts WHERE name = ?")) {
            delete.setString(1, name);
            return delete.executeUpdate() > 0;
          }
        });
  }

  private List<StoredContract> selectContracts(String sql, String name, Integer version) {
    return database.transaction(
        "cannot read contract" + (name == null ? "s" : " '" + name + "'"),
        connection -> {
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
          }
        });
  }

  /** Records that load {@code use.loadId()} validated its rows with a contract version. */
  public void putContractUse(ContractUse use) {
    database.transaction(
        "cannot record the contract of load '" + use.loadId() + "'",
        connection -> {
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO tw_load_contracts (load_id, contract_name, contract_version)"
                      + " VALUES (?, ?, ?) ON CONFLICT (load_id) DO UPDATE SET"
                      + " contract_name = excluded.contract_name,"
                      + " contract_version = excluded.contract_version")) {
            upsert.setString(1, use.loadId());
            upsert.setString(2, use.contractName());
            upsert.setInt(3, use.contractVersion());
            return upsert.executeUpdate();
          }
        });
  }

  /** The contract a load used, if it used one. */
  public Optional<ContractUse> contractUse(String loadId) {
    return database.transaction(
        "cannot read the contract of load '" + loadId + "'",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT load_id, contract_name, contract_version FROM tw_load_contracts"
                      + " WHERE load_id = ?")) {
            select.setString(1, loadId);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next()
                  ? Optional.of(
                      new ContractUse(rows.getString(1), rows.getString(2), rows.getInt(3)))
                  : Optional.<ContractUse>empty();
            }
          }
        });
  }

  @Override
  public void close() {
    database.close();
  }
}
