package dev.tidewater.connector.jdbc;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A JDBC database as a source: its tables are the objects ({@code schema.table}, {@code
 * database.table} on MySQL, {@code table} on SQLite), each read by one or more range splits.
 *
 * <p>One connector serves one statement. For a load of several splits from PostgreSQL it holds the
 * transaction whose exported snapshot every split reads, until {@link #close()}.
 */
final class JdbcConnector implements Connector {
  private static final String[] TABLE_TYPES = {
    "TABLE", "VIEW", "BASE TABLE", "PARTITIONED TABLE", "MATERIALIZED VIEW", "LOCAL TEMPORARY"
  };

  private final String sourceName;
  private final JdbcOptions options;
  private final Drivers.Resolved driver;
  private final Dialect dialect;
  private final Map<SourceObject, JdbcTable> tables = new ConcurrentHashMap<>();
  private Connection snapshotHolder;

  JdbcConnector(String sourceName, JdbcOptions options, Drivers drivers) {
    this.sourceName = sourceName;
    this.options = options;
    this.driver = drivers.resolve(options.url(), sourceName);
    this.dialect = Dialect.of(driver.url());
  }

  String sourceName() {
    return sourceName;
  }

  JdbcOptions options() {
    return options;
  }

  Dialect dialect() {
    return dialect;
  }

  /** A new connection; failures are external errors that name the source but no secret. */
  Connection connect() {
    java.util.Properties properties = options.connectionProperties();
    dialect.streamingProperties(properties);
    try {
      Connection connection = driver.driver().connect(driver.url(), properties);
      if (connection == null) {
        throw TidewaterException.user(
            "source '%s': the driver does not accept %s", sourceName, options.displayUrl());
      }
      return connection;
    } catch (SQLException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          String.format(
              "source '%s': cannot connect to %s: %s",
              sourceName, options.displayUrl(), clean(e.getMessage())),
          null);
    }
  }

  /** A driver message without the password, should a driver ever echo it. */
  String clean(String message) {
    if (message == null) {
      return "(no message)";
    }
    String cleaned = message;
    if (options.password() != null && !options.password().isEmpty()) {
      cleaned = cleaned.replace(options.password(), "****");
    }
    return cleaned.replace(options.url(), options.displayUrl());
  }

  TidewaterException failure(SQLException e, String format, Object... args) {
    return new TidewaterException(
        ErrorKind.EXTERNAL,
        "source '"
            + sourceName
            + "': "
            + String.format(format, args)
            + ": "
            + clean(e.getMessage()),
        null);
  }

  @Override
  public List<SourceObject> listObjects() {
    try (Connection connection = connect()) {
      List<SourceObject> objects = new ArrayList<>();
      for (String[] names : tableNames(connection)) {
        objects.add(object(names));
      }
      objects.sort(java.util.Comparator.comparing(SourceObject::toString));
      return objects;
    } catch (SQLException e) {
      throw failure(e, "cannot list tables");
    }
  }

  /** {catalog, schema, table} of every user table and view. */
  private List<String[]> tableNames(Connection connection) throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    List<String[]> names = new ArrayList<>();
    try (ResultSet rows = metadata.getTables(null, null, "%", TABLE_TYPES)) {
      while (rows.next()) {
        String catalog = rows.getString("TABLE_CAT");
        String schema = rows.getString("TABLE_SCHEM");
        String table = rows.getString("TABLE_NAME");
        String owner = dialect.catalogsAreSchemas() ? catalog : schema;
        if (dialect.isSystemSchema(owner)
            || dialect == Dialect.SQLITE && table.startsWith("sqlite_")) {
          continue;
        }
        names.add(new String[] {catalog, schema, table});
      }
    }
    return names;
  }

  private SourceObject object(String[] names) {
    String owner = dialect.catalogsAreSchemas() ? names[0] : names[1];
    return owner == null
        ? new SourceObject(List.of(names[2]))
        : new SourceObject(List.of(owner, names[2]));
  }

  @Override
  public Schema discover(SourceObject object) {
    List<Field> fields = new ArrayList<>();
    for (JdbcColumn column : table(object).columns()) {
      fields.add(column.field());
    }
    return new Schema(fields);
  }

  /** The table an object names, with its columns, read once per connector. */
  JdbcTable table(SourceObject object) {
    JdbcTable known = tables.get(object);
    if (known != null) {
      return known;
    }
    String display = sourceName + "." + object;
    if (object.path().isEmpty() || object.path().size() > 2) {
      throw TidewaterException.user(
          "source '%s' is a database: name a table as %s.<schema>.<table> (or %s.<table>)",
          sourceName, sourceName, sourceName);
    }
    try (Connection connection = connect()) {
      String[] names = resolve(connection, object, display);
      String quote = connection.getMetaData().getIdentifierQuoteString().trim();
      String sqlName = qualified(quote, names);
      List<JdbcColumn> columns = new ArrayList<>();
      Set<String> enums = enumTypes(connection);
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT * FROM " + sqlName + " WHERE 1 = 0")) {
        var metadata = rows.getMetaData();
        for (int i = 1; i <= metadata.getColumnCount(); i++) {
          columns.add(JdbcTypes.column(metadata, i, dialect, enums::contains, display));
        }
      }
      List<String> primaryKey = new ArrayList<>();
      try (ResultSet keys = connection.getMetaData().getPrimaryKeys(names[0], names[1], names[2])) {
        List<Object[]> ordered = new ArrayList<>();
        while (keys.next()) {
          ordered.add(new Object[] {keys.getShort("KEY_SEQ"), keys.getString("COLUMN_NAME")});
        }
        ordered.sort(java.util.Comparator.comparingInt(each -> (Short) each[0]));
        ordered.forEach(each -> primaryKey.add((String) each[1]));
      } catch (SQLException e) {
        // Some drivers cannot tell: the table is then read in one split.
      }
      String shown = sourceName + "." + object(names);
      JdbcTable table =
          new JdbcTable(names[0], names[1], names[2], sqlName, shown, columns, primaryKey);
      tables.put(object, table);
      return table;
    } catch (SQLException e) {
      throw failure(e, "cannot read the columns of %s", display);
    }
  }

  /** {catalog, schema, table} of an object, matching exactly or else ignoring case. */
  private String[] resolve(Connection connection, SourceObject object, String display)
      throws SQLException {
    List<String> path = object.path();
    String owner = path.size() == 2 ? path.get(0) : null;
    String table = path.get(path.size() - 1);
    List<String[]> exact = new ArrayList<>();
    List<String[]> folded = new ArrayList<>();
    for (String[] names : tableNames(connection)) {
      String actualOwner = dialect.catalogsAreSchemas() ? names[0] : names[1];
      boolean ownerExact = owner == null || owner.equals(actualOwner);
      boolean ownerFolded = owner == null || owner.equalsIgnoreCase(actualOwner);
      if (ownerExact && table.equals(names[2])) {
        exact.add(names);
      } else if (ownerFolded && table.equalsIgnoreCase(names[2])) {
        folded.add(names);
      }
    }
    List<String[]> matches = exact.isEmpty() ? folded : exact;
    if (matches.size() > 1 && owner == null) {
      // A one-part name: the connection's own schema wins (PostgreSQL's search path, DuckDB main).
      String current = connection.getSchema();
      matches =
          matches.stream().filter(each -> current != null && current.equals(each[1])).toList();
    }
    if (matches.size() != 1) {
      throw TidewaterException.user(
          matches.isEmpty()
              ? "source '%s' has no table %s (SHOW TABLES IN %s lists them)"
              : "source '%s': %s names several tables; qualify it (SHOW TABLES IN %s lists them)",
          sourceName,
          display,
          sourceName);
    }
    return matches.get(0);
  }

  private String qualified(String quote, String[] names) {
    List<String> parts = new ArrayList<>();
    if (dialect.catalogsAreSchemas() && names[0] != null) {
      parts.add(names[0]);
    } else if (names[1] != null) {
      parts.add(names[1]);
    }
    parts.add(names[2]);
    return String.join(".", parts.stream().map(part -> quote(quote, part)).toList());
  }

  static String quote(String quote, String identifier) {
    if (quote.isEmpty()) {
      return identifier;
    }
    return quote + identifier.replace(quote, quote + quote) + quote;
  }

  /** PostgreSQL's enum type names (read as text). */
  private Set<String> enumTypes(Connection connection) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT typname FROM pg_type WHERE typtype = 'e'")) {
      while (rows.next()) {
        names.add(rows.getString(1).toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  String identifierQuote() {
    return dialect == Dialect.MARIADB ? "`" : "\"";
  }

  @Override
  public List<Split> plan(ExtractRequest request) {
    return new SplitPlanner(this, table(request.object())).plan(request);
  }

  /**
   * Opens the connection whose transaction exports the snapshot every split of a load reads (held
   * until {@link #close()}), and answers the snapshot's id.
   */
  synchronized Connection snapshotConnection() throws SQLException {
    if (snapshotHolder == null) {
      Connection connection = connect();
      try {
        dialect.beginRead(connection, null);
        snapshotHolder = connection;
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }
    return snapshotHolder;
  }

  static String exportSnapshot(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_export_snapshot()");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getString(1);
    }
  }

  /**
   * Whether splits read through PostgreSQL's binary COPY: option {@code binary_copy} (default on)
   * with the shipped PostgreSQL driver, whose {@code CopyManager} this module knows.
   */
  boolean binaryCopy() {
    return dialect == Dialect.POSTGRESQL
        && options.binaryCopy()
        && driver.driver() instanceof org.postgresql.Driver;
  }

  @Override
  public BatchReader open(Split split, ExtractRequest request, BufferAllocator allocator) {
    JdbcTable table = table(request.object());
    JdbcSplit jdbcSplit = (JdbcSplit) split;
    if (jdbcSplit.copySql() != null) {
      return new PgCopyBatchReader(
          this, table, table.project(request.columns()), jdbcSplit, request.batchRows(), allocator);
    }
    return new JdbcBatchReader(
        this,
        table,
        table.project(request.columns()),
        (JdbcSplit) split,
        request.batchRows(),
        allocator);
  }

  @Override
  public synchronized void close() {
    if (snapshotHolder != null) {
      try {
        snapshotHolder.rollback();
        snapshotHolder.close();
      } catch (SQLException e) {
        // The snapshot's transaction ends with the connection either way.
      }
      snapshotHolder = null;
    }
  }
}
