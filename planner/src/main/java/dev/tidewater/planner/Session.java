package dev.tidewater.planner;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.load.LoadOutcome;
import dev.tidewater.planner.load.StreamIngest;
import dev.tidewater.planner.query.QueryEngine;
import dev.tidewater.planner.statement.StatementContext;
import dev.tidewater.planner.statement.StatementDispatch;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * One user's session: parses a statement, hands it to {@link StatementDispatch} (one executor
 * method per statement kind, in {@code planner.statement}), and answers metadata questions.
 */
public final class Session implements AutoCloseable {
  private final Engine engine;
  private final String user;
  private final QueryEngine queries;
  private final StatementDispatch dispatch;
  private final SessionState state;
  private final SourceMetadata sources;

  Session(Engine engine, String user) {
    this.engine = engine;
    this.sources = new SourceMetadata(engine);
    this.user = user;
    this.state =
        new SessionState(
            engine.config().defaultCatalog(),
            engine.config().defaultNamespace(),
            engine.config().limits());
    this.queries = new QueryEngine(engine, state);
    this.dispatch = new StatementDispatch(new StatementContext(engine, state, user), queries);
  }

  public String user() {
    return user;
  }

  /** The limits of the session's next statement ({@code SET statement_timeout} changes them). */
  public StatementLimits limits() {
    return state.limits();
  }

  /** The current catalog and namespace for unqualified names. */
  public SessionState.Names currentNames() {
    return state.names();
  }

  /**
   * Sets the current catalog and namespace, as {@code SET CATALOG} / {@code SET SCHEMA} do (a null
   * keeps that part): the Flight {@code SetSessionOptions} and JDBC connection properties path.
   */
  public void use(String catalogOrNull, String namespaceOrNull) {
    dispatch.use(catalogOrNull, namespaceOrNull);
  }

  /** Parses one statement; a syntax error names line and column. */
  public static SqlNode parse(String sql) {
    try {
      return TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      throw new TidewaterException(
          ErrorKind.USER,
          Positions.of(e.getPos()),
          "syntax error: " + ParseErrorText.of(e.getMessage()),
          null);
    }
  }

  /** The result schema of a statement without running it; empty for statements without rows. */
  public Schema describe(String sql) {
    return dispatch.bind(parse(sql), sql).schema().get();
  }

  public ExecutionResult execute(String sql, BufferAllocator allocator) {
    return execute(sql, allocator, LoadListener.NONE, new Cancellation());
  }

  /**
   * Runs one statement; a LOAD stops, committing nothing, when {@code cancellation} is cancelled
   * before its commit starts.
   */
  public ExecutionResult execute(
      String sql, BufferAllocator allocator, LoadListener listener, Cancellation cancellation) {
    // Each statement has the session's limits: its statement_timeout cancels it with reason
    // TIMED_OUT, and it allocates from a child allocator of query-memory-limit.
    LimitedStatement limited = new LimitedStatement(state.limits(), allocator, cancellation);
    try {
      ExecutionResult result =
          dispatch.bind(parse(sql), sql).execute(limited.allocator(), listener, cancellation);
      if (result.hasRows()) {
        return ExecutionResult.rows(limited.rows(result.rows()));
      }
      limited.close();
      return result;
    } catch (RuntimeException e) {
      limited.close();
      throw limited.translate(e);
    }
  }

  /**
   * Bulk ingest: writes a client's batches into a table in one commit, as a LOAD does; unqualified
   * names resolve against the current catalog and namespace. The caller closes {@code batches}.
   */
  public LoadOutcome ingest(
      StreamIngest.Request request, BatchReader batches, BufferAllocator allocator) {
    return ingest(request, batches, allocator, new Cancellation());
  }

  /**
   * Bulk ingest as one of the session's statements: under its limits (statement_timeout,
   * query-memory-limit) like {@link #execute}, and stopped, committing nothing, when {@code
   * cancellation} is cancelled before its commit starts.
   */
  public LoadOutcome ingest(
      StreamIngest.Request request,
      BatchReader batches,
      BufferAllocator allocator,
      Cancellation cancellation) {
    SessionState.Names names = state.names();
    try (LimitedStatement limited = new LimitedStatement(state.limits(), allocator, cancellation)) {
      try {
        return new StreamIngest(engine)
            .ingest(
                request,
                batches,
                names.catalog(),
                names.namespace(),
                limited.allocator(),
                cancellation,
                user);
      } catch (RuntimeException e) {
        throw limited.translate(e);
      }
    }
  }

  // Metadata for clients (JDBC DatabaseMetaData, DBeaver's navigator).

  /** The catalogs, then the database sources (each a catalog of its schemas and tables). */
  public List<String> catalogs() {
    List<String> names = new ArrayList<>(engine.catalogNames());
    sources.databases().forEach(source -> names.add(source.name()));
    return names;
  }

  /** Namespaces of one catalog, or of all when {@code catalogName} is null. */
  public List<List<String>> namespaces(String catalogName) {
    List<List<String>> result = icebergNamespaces(catalogName);
    result.addAll(sources.namespaces(catalogName));
    return result;
  }

  private List<List<String>> icebergNamespaces(String catalogName) {
    List<List<String>> result = new ArrayList<>();
    for (String name : engine.catalogNames()) {
      if (catalogName != null && !catalogName.equals(name)) {
        continue;
      }
      Catalog icebergCatalog = engine.catalogs().catalog(name);
      if (icebergCatalog instanceof SupportsNamespaces supports) {
        for (Namespace each : supports.listNamespaces()) {
          result.add(List.of(name, String.join(".", each.levels())));
        }
      }
    }
    return result;
  }

  /** Tables as {@code [catalog, namespace, table]}, filtered by catalog and namespace if given. */
  public List<List<String>> tables(String catalogName, String namespaceName) {
    List<List<String>> result = new ArrayList<>();
    for (List<String> each : icebergNamespaces(catalogName)) {
      if (namespaceName != null && !namespaceName.equals(each.get(1))) {
        continue;
      }
      Catalog icebergCatalog = engine.catalogs().catalog(each.get(0));
      try {
        for (TableIdentifier id :
            icebergCatalog.listTables(Namespace.of(each.get(1).split("\\.")))) {
          result.add(List.of(each.get(0), each.get(1), id.name()));
        }
      } catch (NoSuchNamespaceException e) {
        // dropped while listing
      }
    }
    result.addAll(sources.tables(catalogName, namespaceName));
    return result;
  }

  /** The Arrow schema of a table's columns (a source's table: as {@code DESCRIBE SOURCE}). */
  public Schema tableSchema(String catalogName, String namespaceName, String tableName) {
    if (!engine.catalogNames().contains(catalogName)) {
      var source = sources.database(catalogName);
      if (source.isPresent()) {
        return sources.tableSchema(source.get(), namespaceName, tableName);
      }
    }
    return ArrowSchemas.toArrow(icebergTable(catalogName, namespaceName, tableName).schema());
  }

  /**
   * The primary key of a table, in key order: an Iceberg table's identifier fields in column order;
   * empty for a table without them and for a source's table.
   */
  public List<String> primaryKey(String catalogName, String namespaceName, String tableName) {
    if (!engine.catalogNames().contains(catalogName) && sources.database(catalogName).isPresent()) {
      return List.of();
    }
    org.apache.iceberg.Schema schema = icebergTable(catalogName, namespaceName, tableName).schema();
    return schema.columns().stream()
        .filter(column -> schema.identifierFieldIds().contains(column.fieldId()))
        .map(org.apache.iceberg.types.Types.NestedField::name)
        .toList();
  }

  private Table icebergTable(String catalogName, String namespaceName, String tableName) {
    Catalog icebergCatalog = engine.catalogs().catalog(catalogName);
    try {
      return icebergCatalog.loadTable(
          TableIdentifier.of(Namespace.of(namespaceName.split("\\.")), tableName));
    } catch (NoSuchTableException e) {
      throw TidewaterException.user(
          "unknown table %s.%s.%s", catalogName, namespaceName, tableName);
    }
  }

  @Override
  public void close() {
    queries.close();
  }
}
