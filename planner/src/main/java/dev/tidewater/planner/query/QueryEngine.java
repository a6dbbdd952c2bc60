package dev.tidewater.planner.query;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.SqlPosition;
import dev.tidewater.spi.TidewaterException;
import java.io.IOException;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
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
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * Runs SELECT statements with Calcite over Iceberg tables and source objects, one Calcite
 * connection per session. Results are converted to Arrow batches as they are enumerated.
 */
public final class QueryEngine implements AutoCloseable {
  private final Engine engine;
  private final BufferAllocator scanAllocator;
  private final CalciteConnection connection;
  private final Set<String> rootEntries = new HashSet<>();
  private final String catalog;
  private final String namespace;

  public QueryEngine(Engine engine, String catalog, String namespace) {
    this.engine = engine;
    this.catalog = catalog;
    this.namespace = namespace;
    this.scanAllocator =
        engine.allocator().newChildAllocator("query-scans", 0, engine.allocator().getLimit());
    try {
      Properties properties = new Properties();
      properties.setProperty("quoting", "DOUBLE_QUOTE");
      properties.setProperty("unquotedCasing", "TO_LOWER");
      properties.setProperty("quotedCasing", "UNCHANGED");
      properties.setProperty("caseSensitive", "false");
      properties.setProperty("timeZone", "UTC");
      properties.setProperty("fun", "standard,postgresql");
      properties.setProperty(
          "parserFactory", "dev.tidewater.parser.impl.TidewaterParserImpl#FACTORY");
      Connection jdbc = new org.apache.calcite.jdbc.Driver().connect("jdbc:calcite:", properties);
      this.connection = jdbc.unwrap(CalciteConnection.class);
    } catch (SQLException e) {
      scanAllocator.close();
      throw TidewaterException.internal(e, "cannot start the query engine");
    }
  }

  /** The schema of a query's result, without running it. */
  public Schema describe(String sql) {
    refreshSchemas();
    String resolved = resolveTimeTravel(sql);
    try (PreparedStatement statement = connection.prepareStatement(resolved)) {
      return JdbcToArrowUtils.jdbcToArrowSchema(statement.getMetaData(), config(scanAllocator));
    } catch (SQLException | AssertionError e) {
      throw translate(e);
    }
  }

  /** Runs a query; the reader streams its rows and closes the statement. */
  public BatchReader execute(String sql, BufferAllocator allocator) {
    refreshSchemas();
    String resolved = resolveTimeTravel(sql);
    PreparedStatement statement = null;
    try {
      statement = connection.prepareStatement(resolved);
      Schema schema =
          JdbcToArrowUtils.jdbcToArrowSchema(statement.getMetaData(), config(allocator));
      ResultSet rows = statement.executeQuery();
      ArrowVectorIterator batches = JdbcToArrow.sqlToArrowVectorIterator(rows, config(allocator));
      return new ResultSetReader(schema, statement, batches);
    } catch (SQLException | IOException | RuntimeException | AssertionError e) {
      closeQuietly(statement);
      throw translate(e);
    }
  }

  /**
   * Replaces each {@code FOR VERSION | TIMESTAMP AS OF} reference by a table pinned to its
   * snapshot, registered at the root for this statement ({@link #refreshSchemas} removes it again).
   */
  private String resolveTimeTravel(String sql) {
    TimeTravel.Rewrite rewrite =
        TimeTravel.rewrite(
            sql, catalog, namespace, Set.copyOf(engine.catalogNames()), this::loadTableOrNull);
    SchemaPlus root = connection.getRootSchema();
    for (Map.Entry<String, TimeTravel.Pinned> entry : rewrite.tables().entrySet()) {
      TimeTravel.Pinned pinned = entry.getValue();
      root.add(
          entry.getKey(),
          new IcebergQueryTable(
              pinned.table(),
              pinned.snapshotId(),
              scanAllocator,
              engine.config().batchRows(),
              engine.scanMetrics()));
      rootEntries.add(entry.getKey());
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
   * Puts the catalogs, the current catalog's namespaces and the sources at the root, so that {@code
   * catalog.ns.t}, {@code ns.t}, {@code t} and {@code source} all resolve.
   */
  private void refreshSchemas() {
    SchemaPlus root = connection.getRootSchema();
    CalciteSchema calciteRoot = CalciteSchema.from(root);
    for (String name : rootEntries) {
      calciteRoot.removeSubSchema(name);
      calciteRoot.removeTable(name);
    }
    rootEntries.clear();
    int batchRows = engine.config().batchRows();
    for (String name : engine.catalogNames()) {
      Catalog icebergCatalog = engine.catalogs().catalog(name);
      CatalogSchema schema =
          new CatalogSchema(icebergCatalog, scanAllocator, batchRows, engine.scanMetrics());
      root.add(name, schema).setCacheEnabled(false);
      rootEntries.add(name);
      if (name.equals(catalog)) {
        for (Map.Entry<String, org.apache.calcite.schema.Schema> entry :
            schema.namespaces().entrySet()) {
          if (!rootEntries.contains(entry.getKey())) {
            root.add(entry.getKey(), entry.getValue()).setCacheEnabled(false);
            rootEntries.add(entry.getKey());
          }
        }
      }
    }
    if (!rootEntries.contains("system")) {
      root.add("system", new SystemSchema(engine.metadata()));
      rootEntries.add("system");
    }
    for (SourceDefinition source : engine.metadata().sources()) {
      if (!rootEntries.contains(source.name())) {
        root.add(
            source.name(),
            new SourceQueryTable(engine, source, SourceObject.SELF, scanAllocator, batchRows));
        rootEntries.add(source.name());
      }
    }
    try {
      connection.setSchema(rootEntries.contains(namespace) ? namespace : null);
    } catch (SQLException e) {
      throw TidewaterException.internal(e, "cannot set the current namespace");
    }
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

  private static void closeQuietly(PreparedStatement statement) {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException ignored) {
        // the statement failed already; its first error is what matters
      }
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw TidewaterException.internal(e, "cannot close the query engine");
    } finally {
      scanAllocator.close();
    }
  }

  /** Streams a JDBC result set as Arrow batches. */
  private static final class ResultSetReader implements BatchReader {
    private final Schema schema;
    private final PreparedStatement statement;
    private final ArrowVectorIterator batches;
    private VectorSchemaRoot current;

    ResultSetReader(Schema schema, PreparedStatement statement, ArrowVectorIterator batches) {
      this.schema = schema;
      this.statement = statement;
      this.batches = batches;
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
        closeQuietly(statement);
      }
    }
  }
}
