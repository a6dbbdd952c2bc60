package dev.tidewater.planner.query;

import dev.tidewater.iceberg.IcebergScans;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.SessionState;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.SourceShape;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.arrow.adapter.jdbc.ArrowVectorIterator;
import org.apache.arrow.adapter.jdbc.JdbcToArrow;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfig;
import org.apache.arrow.adapter.jdbc.JdbcToArrowConfigBuilder;
import org.apache.arrow.adapter.jdbc.JdbcToArrowUtils;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * Runs SELECT statements with Calcite over Iceberg tables and source objects. Each statement gets
 * its own Calcite connection, whose root schema holds that statement's tables, and its own child
 * allocator for the Arrow batches its scans read; both are closed with the statement's result, so a
 * scan that leaks memory fails that statement (see docs/architecture.md, "Memory").
 */
public final class QueryEngine implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QueryEngine.class);
  private final Engine engine;
  private final SessionState state;
  private final org.apache.calcite.jdbc.Driver driver = new org.apache.calcite.jdbc.Driver();
  private volatile Map<String, CatalogSchema> catalogSchemas = Map.of();

  public QueryEngine(Engine engine, SessionState state) {
    this.engine = engine;
    this.state = state;
  }

  /** The schema of a query's result, without running it. */
  public Schema describe(String sql) {
    BufferAllocator scans =
        engine.allocator().newChildAllocator("query-describe", 0, engine.allocator().getLimit());
    CalciteConnection connection = null;
    try {
      connection = connect(scans, sql);
      String resolved = resolveTimeTravel(sql, connection, scans);
      Optional<VectorizedQuery> vectorized = vectorized(resolved, connection);
      if (vectorized.isPresent()) {
        return vectorized.get().schema();
      }
      try (PreparedStatement statement = connection.prepareStatement(resolved)) {
        return JdbcToArrowUtils.jdbcToArrowSchema(statement.getMetaData(), config(scans));
      }
    } catch (SQLException | AssertionError e) {
      throw withCatalogFailure(translate(e));
    } finally {
      closeAll(null, connection, scans);
    }
  }

  /**
   * Runs a query; the reader streams its rows and, when closed, closes the statement, its Calcite
   * connection and its scans' allocator (a child of {@code allocator}).
   */
  public BatchReader execute(String sql, BufferAllocator allocator) {
    BufferAllocator scans = allocator.newChildAllocator("query-scans", 0, allocator.getLimit());
    CalciteConnection connection = null;
    PreparedStatement statement = null;
    try {
      connection = connect(scans, sql);
      String resolved = resolveTimeTravel(sql, connection, scans);
      Optional<VectorizedQuery> vectorized = vectorized(resolved, connection);
      if (vectorized.isPresent()) {
        try {
          return new VectorizedReader(vectorized.get().execute(scans), connection, scans);
        } catch (VectorizedQuery.Fallback e) {
          LOG.debug("query runs through Calcite's plan: {}", e.getMessage());
        }
      }
      statement = connection.prepareStatement(resolved);
      Schema schema =
          JdbcToArrowUtils.jdbcToArrowSchema(statement.getMetaData(), config(allocator));
      ResultSet rows = statement.executeQuery();
      ArrowVectorIterator batches = JdbcToArrow.sqlToArrowVectorIterator(rows, config(allocator));
      return new ResultSetReader(schema, batches, statement, connection, scans);
    } catch (SQLException
        | IOException
        | RuntimeException
        | AssertionError
        | ExceptionInInitializerError e) {
      // ExceptionInInitializerError: Calcite folds constants into static fields of the code it
      // generates, so a bad cast of a literal ('abc' to BIGINT) fails while loading that class.
      TidewaterException error = withCatalogFailure(translate(e));
      try {
        closeAll(statement, connection, scans);
      } catch (RuntimeException closing) {
        error.addSuppressed(closing);
      }
      throw error;
    }
  }

  /**
   * The query as vectorized operators over Iceberg batches, when its shape allows (see {@link
   * VectorizedPlanner}); empty for Calcite's row-by-row plan.
   */
  private static Optional<VectorizedQuery> vectorized(String sql, CalciteConnection connection)
      throws SQLException {
    if (Boolean.getBoolean(IcebergScans.ROW_BY_ROW_PROPERTY)) {
      return Optional.empty();
    }
    return VectorizedPlanner.plan(sql, connection.getRootSchema(), connection.getSchema());
  }

  /**
   * Replaces each {@code FOR VERSION | TIMESTAMP AS OF} reference by a table pinned to its
   * snapshot, registered at the root of this statement's connection.
   */
  private String resolveTimeTravel(
      String sql, CalciteConnection connection, BufferAllocator scans) {
    SessionState.Names names = state.names();
    TimeTravel.Rewrite rewrite =
        TimeTravel.rewrite(
            sql,
            names.catalog(),
            names.namespace(),
            Set.copyOf(engine.catalogNames()),
            this::loadTableOrNull);
    SchemaPlus root = connection.getRootSchema();
    for (Map.Entry<String, TimeTravel.Pinned> entry : rewrite.tables().entrySet()) {
      TimeTravel.Pinned pinned = entry.getValue();
      root.add(
          entry.getKey(),
          new IcebergQueryTable(
              pinned.table(),
              pinned.snapshotId(),
              scans,
              engine.config().batchRows(),
              engine.scanMetrics()));
    }
    return rewrite.sql();
  }

  private Table loadTableOrNull(TableName name) {
    if (!engine.catalogNames().contains(name.catalog())) {
      return null;
    }
    Catalog icebergCatalog = engine.catalogs().catalog(name.catalog());
    try {
      return icebergCatalog.loadTable(name.identifier());
    } catch (NoSuchTableException e) {
      // Names are case-insensitive in SQL; Iceberg catalogs compare them exactly.
      try {
        for (TableIdentifier id : icebergCatalog.listTables(name.namespace())) {
          if (id.name().equalsIgnoreCase(name.table())) {
            return icebergCatalog.loadTable(id);
          }
        }
      } catch (NoSuchNamespaceException missing) {
        return null;
      }
      return null;
    }
  }

  private static JdbcToArrowConfig config(BufferAllocator allocator) {
    return new JdbcToArrowConfigBuilder(allocator, null)
        .setReuseVectorSchemaRoot(true)
        .setTargetBatchSize(4096)
        .setBigDecimalRoundingMode(RoundingMode.HALF_UP)
        .build();
  }

  /**
   * A Calcite connection for one statement. Its root holds the catalogs, the current catalog's
   * namespaces and the sources, so that {@code catalog.ns.t}, {@code ns.t}, {@code t} and {@code
   * source} all resolve; every table scans into {@code scans}. A database source is there only when
   * {@code sql} names it: Calcite walks every schema while it prepares a query, and listing a
   * database's tables means connecting to it.
   */
  private CalciteConnection connect(BufferAllocator scans, String sql) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("quoting", "DOUBLE_QUOTE");
    properties.setProperty("unquotedCasing", "TO_LOWER");
    properties.setProperty("quotedCasing", "UNCHANGED");
    properties.setProperty("caseSensitive", "false");
    properties.setProperty("timeZone", "UTC");
    properties.setProperty("fun", "standard,postgresql");
    properties.setProperty(
        "parserFactory", "dev.tidewater.parser.impl.TidewaterParserImpl#FACTORY");
    CalciteConnection connection =
        driver.connect("jdbc:calcite:", properties).unwrap(CalciteConnection.class);
    try {
      SchemaPlus root = connection.getRootSchema();
      SessionState.Names names = state.names();
      String catalog = names.catalog();
      String namespace = names.namespace();
      Set<String> rootEntries = new HashSet<>();
      int batchRows = engine.config().batchRows();
      Map<String, CatalogSchema> schemas = new HashMap<>();
      catalogSchemas = schemas;
      for (String name : engine.catalogNames()) {
        CatalogSchema schema =
            new CatalogSchema(
                () -> engine.catalogs().catalog(name), scans, batchRows, engine.scanMetrics());
        schemas.put(name, schema);
        root.add(name, schema).setCacheEnabled(false);
        rootEntries.add(name);
      }
      // The system tables win over a namespace called system (still there as catalog.system).
      if (rootEntries.add("system")) {
        root.add("system", new SystemSchema(engine));
      }
      // Short names: the session's current namespace first (USE named it), then the sources
      // (created by that name), then the current catalog's other namespaces; a namespace that
      // loses to a source stays reachable as catalog.ns.
      CatalogSchema current = schemas.get(catalog);
      Map<String, org.apache.calcite.schema.Schema> namespaces =
          current == null ? Map.of() : current.namespaces();
      if (namespace != null && namespaces.containsKey(namespace) && rootEntries.add(namespace)) {
        root.add(namespace, namespaces.get(namespace)).setCacheEnabled(false);
      }
      for (SourceDefinition source : engine.metadata().sources()) {
        if (rootEntries.add(source.name())) {
          // A one-table source is a table; a database's tables are in a schema of its name.
          if (shape(source) == SourceShape.DATABASE) {
            if (!mentions(sql, source.name())) {
              continue;
            }
            root.add(source.name(), new SourceSchema(engine, source, scans, batchRows))
                .setCacheEnabled(false);
          } else {
            root.add(
                source.name(),
                new SourceQueryTable(engine, source, SourceObject.SELF, scans, batchRows));
          }
        }
      }
      for (Map.Entry<String, org.apache.calcite.schema.Schema> entry : namespaces.entrySet()) {
        if (rootEntries.add(entry.getKey())) {
          root.add(entry.getKey(), entry.getValue()).setCacheEnabled(false);
        }
      }
      connection.setSchema(rootEntries.contains(namespace) ? namespace : null);
      return connection;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** Whether {@code sql} holds {@code name} as a word, quoted or not, in any case. */
  static boolean mentions(String sql, String name) {
    return java.util.regex.Pattern.compile(
            "(?<![\\w$])" + java.util.regex.Pattern.quote(name) + "(?![\\w$])",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)
        .matcher(sql)
        .find();
  }

  /** A source's shape; a source whose type is gone (a removed plugin) fails when read. */
  private SourceShape shape(SourceDefinition source) {
    try {
      return engine.factory(source.type()).shape();
    } catch (TidewaterException e) {
      return SourceShape.TABLE;
    }
  }

  /**
   * A query that names a catalog that could not be opened fails with "not found within 'lake'": say
   * why the catalog is missing.
   */
  private TidewaterException withCatalogFailure(TidewaterException error) {
    for (Map.Entry<String, CatalogSchema> entry : catalogSchemas.entrySet()) {
      TidewaterException failure = entry.getValue().failure();
      if (failure != null
          && error.getMessage() != null
          && error.getMessage().contains("'" + entry.getKey() + "'")) {
        return new TidewaterException(
            failure.kind(),
            error.position().orElse(null),
            error.getMessage()
                + " (catalog '"
                + entry.getKey()
                + "': "
                + failure.getMessage()
                + ")",
            failure);
      }
    }
    return error;
  }

  static TidewaterException translate(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof TidewaterException tidewater) {
        return tidewater;
      }
      if (cause instanceof CalciteContextException context) {
        return new TidewaterException(
            ErrorKind.USER,
            new SqlPosition(context.getPosLine(), context.getPosColumn()),
            context.getCause() == null ? context.getMessage() : context.getCause().getMessage(),
            null);
      }
      if (cause instanceof SqlParseException parse) {
        return new TidewaterException(
            ErrorKind.USER,
            new SqlPosition(parse.getPos().getLineNum(), parse.getPos().getColumnNum()),
            firstLine(parse.getMessage()),
            null);
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof NumberFormatException number) {
      // A text value cast to a number, e.g. a comparison of a BIGINT column with 'abc'.
      return new TidewaterException(
          ErrorKind.USER,
          "query failed: a text value is not a number: " + number.getMessage(),
          null);
    }
    if (root instanceof AssertionError) {
      // Calcite asserts where it meets a construct it cannot plan: a bug on our side, not the
      // user's, and never a reason to take down the thread that serves the statement.
      return new TidewaterException(
          ErrorKind.INTERNAL, "query failed: cannot plan the statement: " + root.getMessage(), e);
    }
    return new TidewaterException(ErrorKind.EXTERNAL, "query failed: " + root.getMessage(), e);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * Closes the statement (and with it the scans' readers), the connection and then the allocator,
   * whose close fails when a scan did not release its buffers.
   */
  private static void closeAll(
      PreparedStatement statement, Connection connection, BufferAllocator scans) {
    try {
      closeQuietly(statement);
      closeQuietly(connection);
    } finally {
      scans.close();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // the statement failed or ended already; closing a JDBC object adds nothing to report
      }
    }
  }

  @Override
  public void close() {
    // Nothing is shared between statements: each closes its own connection and allocator.
  }

  /** A vectorized query's batches; owns the statement's Calcite connection and scans. */
  private static final class VectorizedReader implements BatchReader {
    private final BatchReader batches;
    private final Connection connection;
    private final BufferAllocator scans;

    VectorizedReader(BatchReader batches, Connection connection, BufferAllocator scans) {
      this.batches = batches;
      this.connection = connection;
      this.scans = scans;
    }

    @Override
    public Schema schema() {
      return batches.schema();
    }

    @Override
    public boolean next() {
      try {
        return batches.next();
      } catch (VectorizedQuery.Fallback e) {
        throw new TidewaterException(
            ErrorKind.INTERNAL, "query failed: cannot evaluate vectorized: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw translate(e);
      }
    }

    @Override
    public VectorSchemaRoot root() {
      return batches.root();
    }

    @Override
    public String position(int rowIndex) {
      return batches.position(rowIndex);
    }

    @Override
    public long bytesRead() {
      return batches.bytesRead();
    }

    @Override
    public void close() {
      try {
        batches.close();
      } finally {
        closeAll(null, connection, scans);
      }
    }
  }

  /** Streams a JDBC result set as Arrow batches; owns the statement's Calcite resources. */
  private static final class ResultSetReader implements BatchReader {
    private final Schema schema;
    private final ArrowVectorIterator batches;
    private final PreparedStatement statement;
    private final Connection connection;
    private final BufferAllocator scans;
    private VectorSchemaRoot current;

    ResultSetReader(
        Schema schema,
        ArrowVectorIterator batches,
        PreparedStatement statement,
        Connection connection,
        BufferAllocator scans) {
      this.schema = schema;
      this.batches = batches;
      this.statement = statement;
      this.connection = connection;
      this.scans = scans;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public boolean next() {
      try {
        while (batches.hasNext()) {
          current = batches.next();
          if (current.getRowCount() > 0) {
            return true;
          }
        }
        return false;
      } catch (RuntimeException | AssertionError e) {
        throw translate(e);
      }
    }

    @Override
    public VectorSchemaRoot root() {
      return current;
    }

    @Override
    public String position(int rowIndex) {
      return "result row " + (rowIndex + 1);
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    public void close() {
      try {
        batches.close();
      } finally {
        closeAll(statement, connection, scans);
      }
    }
  }
}
