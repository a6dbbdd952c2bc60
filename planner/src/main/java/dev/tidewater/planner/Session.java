package dev.tidewater.planner;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.parser.ast.SqlCreateContract;
import dev.tidewater.parser.ast.SqlCreateNamespace;
import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlDescribe;
import dev.tidewater.parser.ast.SqlDropBranch;
import dev.tidewater.parser.ast.SqlDropContract;
import dev.tidewater.parser.ast.SqlDropSource;
import dev.tidewater.parser.ast.SqlDropTable;
import dev.tidewater.parser.ast.SqlExplainLoad;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.parser.ast.SqlPublishBranch;
import dev.tidewater.parser.ast.SqlRollbackLoad;
import dev.tidewater.parser.ast.SqlShow;
import dev.tidewater.parser.ast.SqlValidateLoad;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.load.LoadExecutor;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.load.LoadOutcome;
import dev.tidewater.planner.load.LoadPlan;
import dev.tidewater.planner.load.LoadPlanner;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.Secrets;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.planner.query.QueryEngine;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.planner.result.TypeNames;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.TidewaterException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types;

/**
 * One user's session: parses a statement, runs it, and answers metadata questions. Each statement
 * kind has one method; {@link #execute} dispatches to it.
 */
public final class Session implements AutoCloseable {
  /** How many violations VALIDATE LOAD lists by default (the counts per rule cover all). */
  private static final int MAX_VIOLATIONS = 1000;

  private final Engine engine;
  private final String user;
  private final QueryEngine queries;
  private final ContractStatements contracts;
  private final String catalog;
  private final String namespace;

  Session(Engine engine, String user) {
    this.engine = engine;
    this.user = user;
    this.catalog = engine.config().defaultCatalog();
    this.namespace = engine.config().defaultNamespace();
    this.queries = new QueryEngine(engine, catalog, namespace);
    this.contracts = new ContractStatements(engine.metadata());
  }

  public String user() {
    return user;
  }

  /** Parses one statement; a syntax error names line and column. */
  public static SqlNode parse(String sql) {
    try {
      return TidewaterSqlParser.parseStatement(sql);
    } catch (SqlParseException e) {
      String message = e.getMessage();
      int newline = message.indexOf('\n');
      throw new TidewaterException(
          ErrorKind.USER,
          Positions.of(e.getPos()),
          "syntax error: " + (newline < 0 ? message : message.substring(0, newline)),
          null);
    }
  }

  /** The result schema of a statement without running it; empty for statements without rows. */
  public Schema describe(String sql) {
    SqlNode node = parse(sql);
    if (node instanceof SqlLoad) {
      return LoadOutcome.SCHEMA;
    }
    if (node instanceof SqlExplainLoad) {
      return ResultSchemas.PLAN;
    }
    if (node instanceof SqlValidateLoad) {
      return LoadExecutor.VALIDATION_SCHEMA;
    }
    if (node instanceof SqlShow show) {
      return showSchema(show);
    }
    if (node instanceof SqlDescribe describe) {
      return describe.kind == SqlDescribe.DescribeKind.CONTRACT
          ? ContractStatements.DESCRIBE_SCHEMA
          : ResultSchemas.COLUMNS;
    }
    if (isQuery(node)) {
      return queries.describe(sql);
    }
    return ExecutionResult.emptySchema();
  }

  public ExecutionResult execute(String sql, BufferAllocator allocator) {
    return execute(sql, allocator, LoadListener.NONE);
  }

  /** Runs one statement. */
  public ExecutionResult execute(String sql, BufferAllocator allocator, LoadListener listener) {
    SqlNode node = parse(sql);
    if (node instanceof SqlCreateSource create) {
      return createSource(create);
    }
    if (node instanceof SqlDropSource drop) {
      return dropSource(drop);
    }
    if (node instanceof SqlLoad load) {
      return load(load, allocator, listener);
    }
    if (node instanceof SqlExplainLoad explain) {
      return explainLoad(explain, allocator);
    }
    if (node instanceof SqlCreateNamespace create) {
      return createNamespace(create);
    }
    if (node instanceof SqlDropTable drop) {
      return dropTable(drop);
    }
    if (node instanceof SqlShow show) {
      return show(show, allocator);
    }
    if (node instanceof SqlDescribe describe) {
      return describe(describe, allocator);
    }
    if (node instanceof SqlCreateContract create) {
      return contracts.create(create);
    }
    if (node instanceof SqlDropContract drop) {
      return contracts.drop(drop);
    }
    if (node instanceof SqlRollbackLoad rollback) {
      return rollbackLoad(rollback);
    }
    if (node instanceof SqlValidateLoad validate) {
      return validateLoad(validate, allocator);
    }
    if (node instanceof SqlPublishBranch) {
      throw Positions.userError(node, "PUBLISH BRANCH is not supported yet");
    }
    if (node instanceof SqlDropBranch) {
      throw Positions.userError(node, "DROP BRANCH is not supported yet");
    }
    if (isQuery(node)) {
      return ExecutionResult.rows(queries.execute(sql, allocator));
    }
    throw Positions.userError(node, "statement %s is not supported", node.getKind());
  }

  private static boolean isQuery(SqlNode node) {
    return node.getKind().belongsTo(SqlKind.QUERY) || node.getKind() == SqlKind.EXPLAIN;
  }

  private ExecutionResult createSource(SqlCreateSource create) {
    String name = create.name.getSimple();
    Map<String, String> options;
    try {
      options = SqlOptions.toMap(create.options);
    } catch (IllegalArgumentException e) {
      throw Positions.userError(create.options, "%s", e.getMessage());
    }
    String type = create.type.getSimple();
    boolean exists = engine.metadata().source(name).isPresent();
    if (exists && create.ifNotExists) {
      return ExecutionResult.update(0);
    }
    if (exists && !create.replace) {
      throw Positions.userError(
          create.name, "source '%s' already exists (use CREATE OR REPLACE SOURCE)", name);
    }
    // Check the options now; environment variables missing here are checked at execution.
    Map<String, String> checked =
        Secrets.resolveAll(
            options,
            variable -> {
              String value = engine.config().environment().apply(variable);
              return value == null ? "${env:" + variable + "}" : value;
            });
    try {
      engine.factory(type).create(name, checked).close();
    } catch (TidewaterException e) {
      if (e.kind() == ErrorKind.USER && e.position().isEmpty()) {
        throw Positions.userError(create, "%s", e.getMessage());
      }
      throw e;
    }
    engine
        .metadata()
        .putSource(new SourceDefinition(name, engine.factory(type).name(), options, Instant.now()));
    return ExecutionResult.update(0);
  }

  private ExecutionResult dropSource(SqlDropSource drop) {
    String name = drop.name.getSimple();
    if (!engine.metadata().dropSource(name) && !drop.ifExists) {
      throw Positions.userError(drop.name, "unknown source '%s'", name);
    }
    return ExecutionResult.update(0);
  }

  private ExecutionResult load(SqlLoad load, BufferAllocator allocator, LoadListener listener) {
    try (LoadPlan plan = new LoadPlanner(engine).plan(load, catalog, namespace)) {
      LoadOutcome outcome = new LoadExecutor(engine).execute(plan, allocator, listener);
      return ExecutionResult.rows(outcome.toRows().reader(allocator));
    }
  }

  /**
   * Rolls the table back to the snapshot before a load, and with it the load's cursor. Only the
   * latest commit of a table can be rolled back: anything committed after it would be lost too. The
   * rollback is a compare-and-set on the table's metadata: if another commit lands between the
   * check and the rollback, the rollback fails and changes nothing.
   */
  private ExecutionResult rollbackLoad(SqlRollbackLoad rollback) {
    String loadId = rollback.loadId.getValueAs(String.class);
    LoadRecord load =
        engine
            .load(loadId)
            .orElseThrow(() -> Positions.userError(rollback.loadId, "unknown load '%s'", loadId));
    if (load.status() != LoadRecord.LoadStatus.SUCCEEDED) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' is %s; only a succeeded load can be rolled back",
          loadId,
          load.status());
    }
    TableName target = tableName(List.of(load.target().split("\\.")));
    Table table;
    try {
      table = engine.catalogs().catalog(target.catalog()).loadTable(target.identifier());
    } catch (NoSuchTableException e) {
      throw Positions.userError(rollback.loadId, "table %s of load '%s' is gone", target, loadId);
    }
    if (!(table instanceof HasTableOperations withOperations)) {
      throw Positions.userError(
          rollback.loadId, "table %s cannot be rolled back (no table operations)", target);
    }
    TableOperations operations = withOperations.operations();
    TableMetadata base = operations.refresh();
    Snapshot current = base.currentSnapshot();
    String latest = current == null ? null : current.summary().get("tidewater.load-id");
    if (!loadId.equals(latest)) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' is not the latest commit to %s (the latest is %s); only the latest can be"
              + " rolled back",
          loadId,
          target,
          latest == null ? "not a Tidewater load" : "load '" + latest + "'");
    }
    if (current.parentId() == null) {
      throw Positions.userError(
          rollback.loadId,
          "load '%s' created %s; drop the table to undo it (DROP TABLE %s)",
          loadId,
          target,
          target);
    }
    TableMetadata rolledBack =
        TableMetadata.buildFrom(base)
            .setBranchSnapshot(current.parentId(), SnapshotRef.MAIN_BRANCH)
            .build();
    try {
      operations.commit(base, rolledBack);
    } catch (CommitFailedException e) {
      throw new TidewaterException(
          ErrorKind.EXTERNAL,
          Positions.of(rollback.loadId.getParserPosition()),
          String.format(
              "another commit to %s landed while load '%s' was being rolled back; nothing was"
                  + " rolled back (it is no longer the latest commit)",
              target, loadId),
          e);
    }
    engine
        .metadata()
        .putLoad(
            load.withOutcome(
                LoadRecord.LoadStatus.ROLLED_BACK,
                load.snapshotId(),
                load.cursorBefore(),
                load.error()));
    return ExecutionResult.update(1);
  }

  /**
   * VALIDATE LOAD: the load's extraction and validation, nothing written; {@code WITH
   * (max_violations = n)} caps the violations listed.
   */
  private ExecutionResult validateLoad(SqlValidateLoad validate, BufferAllocator allocator) {
    int maxViolations = MAX_VIOLATIONS;
    String limit = SqlOptions.toMap(validate.load.options).get(LoadPlanner.MAX_VIOLATIONS_OPTION);
    if (limit != null) {
      try {
        maxViolations = Integer.parseInt(limit.trim());
      } catch (NumberFormatException e) {
        maxViolations = -1;
      }
      if (maxViolations < 0) {
        throw Positions.userError(
            validate.load.options,
            "option '%s' takes a number of rows (0 or more), not '%s'",
            LoadPlanner.MAX_VIOLATIONS_OPTION,
            limit);
      }
    }
    try (LoadPlan plan =
        new LoadPlanner(engine)
            .plan(validate.load, catalog, namespace, LoadPlanner.Purpose.VALIDATE)) {
      return ExecutionResult.rows(
          new LoadExecutor(engine).validateOnly(plan, allocator, maxViolations).reader(allocator));
    }
  }

  private ExecutionResult explainLoad(SqlExplainLoad explain, BufferAllocator allocator) {
    try (LoadPlan plan = new LoadPlanner(engine).plan(explain.load, catalog, namespace)) {
      Rows rows = Rows.of(ResultSchemas.PLAN);
      plan.explain().forEach(rows::add);
      return ExecutionResult.rows(rows.reader(allocator));
    }
  }

  private ExecutionResult createNamespace(SqlCreateNamespace create) {
    List<String> parts = create.name.names;
    String catalogName = catalog;
    List<String> levels = parts;
    if (parts.size() > 1 && engine.catalogNames().contains(parts.get(0))) {
      catalogName = parts.get(0);
      levels = parts.subList(1, parts.size());
    }
    SupportsNamespaces namespaces = namespaces(catalogName, create.name);
    Namespace target = Namespace.of(levels.toArray(String[]::new));
    try {
      namespaces.createNamespace(target);
    } catch (AlreadyExistsException e) {
      if (!create.ifNotExists) {
        throw Positions.userError(create.name, "namespace %s already exists", create.name);
      }
    }
    return ExecutionResult.update(0);
  }

  private ExecutionResult dropTable(SqlDropTable drop) {
    TableName name = tableName(drop.name);
    Catalog icebergCatalog = engine.catalogs().catalog(name.catalog());
    boolean dropped = icebergCatalog.dropTable(name.identifier(), drop.purge);
    if (!dropped && !drop.ifExists) {
      throw Positions.userError(drop.name, "unknown table %s", name);
    }
    return ExecutionResult.update(0);
  }

  private ExecutionResult show(SqlShow show, BufferAllocator allocator) {
    Rows rows = Rows.of(showSchema(show));
    switch (show.kind) {
      case SOURCES -> {
        for (SourceDefinition source : engine.metadata().sources()) {
          rows.add(
              source.name(),
              source.type(),
              engine.maskedOptions(source).entrySet().stream()
                  .map(entry -> entry.getKey() + " = '" + entry.getValue() + "'")
                  .collect(Collectors.joining(", ")),
              source.createdAt());
        }
      }
      case CATALOGS -> engine.catalogNames().forEach(rows::add);
      case NAMESPACES -> {
        if (show.scope != null && !show.scope.isSimple()) {
          throw Positions.userError(
              show.scope, "SHOW NAMESPACES IN takes a catalog name, not %s", show.scope);
        }
        String catalogName = show.scope == null ? catalog : show.scope.getSimple();
        for (Namespace each : namespaces(catalogName, show).listNamespaces()) {
          rows.add(catalogName, String.join(".", each.levels()));
        }
      }
      case TABLES -> {
        TableName scope =
            show.scope == null
                ? new TableName(catalog, Namespace.of(namespace), "")
                : tableName(append(show.scope.names, ""));
        try {
          for (TableIdentifier id :
              engine.catalogs().catalog(scope.catalog()).listTables(scope.namespace())) {
            rows.add(scope.catalog(), scope.namespaceText(), id.name());
          }
        } catch (NoSuchNamespaceException e) {
          throw Positions.userError(
              show.scope == null ? show : show.scope,
              "unknown namespace %s.%s",
              scope.catalog(),
              scope.namespaceText());
        }
      }
      case LOADS -> {
        String target = show.scope == null ? null : tableName(show.scope.names).toString();
        for (LoadRecord load : engine.loads()) {
          if (target == null || target.equals(load.target())) {
            rows.add(
                load.loadId(),
                load.source(),
                load.target(),
                load.disposition(),
                load.status().name(),
                load.rowsRead(),
                load.rowsWritten(),
                load.rowsRejected(),
                load.snapshotId(),
                load.cursorBefore(),
                load.cursorAfter(),
                load.startedAt(),
                load.durationMillis() / 1000.0,
                load.error(),
                load.contract());
          }
        }
      }
      case CONTRACTS -> {
        return ExecutionResult.rows(contracts.show().reader(allocator));
      }
      default -> throw Positions.userError(show, "SHOW %s is not supported", show.kind);
    }
    return ExecutionResult.rows(rows.reader(allocator));
  }

  private static Schema showSchema(SqlShow show) {
    return switch (show.kind) {
      case SOURCES -> ResultSchemas.SOURCES;
      case CATALOGS -> ResultSchemas.CATALOGS;
      case NAMESPACES -> ResultSchemas.NAMESPACES;
      case TABLES -> ResultSchemas.TABLES;
      case LOADS -> ResultSchemas.LOADS;
      case CONTRACTS -> ContractStatements.SHOW_SCHEMA;
    };
  }

  private ExecutionResult describe(SqlDescribe describe, BufferAllocator allocator) {
    Rows rows = Rows.of(ResultSchemas.COLUMNS);
    switch (describe.kind) {
      case SOURCE -> {
        String name = describe.name.names.get(0);
        SourceDefinition source =
            engine
                .metadata()
                .source(name)
                .orElseThrow(() -> Positions.userError(describe.name, "unknown source '%s'", name));
        SourceObject object =
            new SourceObject(describe.name.names.subList(1, describe.name.names.size()));
        try (Connector connector = engine.connect(source)) {
          for (Field field : connector.discover(object).getFields()) {
            rows.add(field.getName(), TypeNames.of(field), field.isNullable(), null);
          }
        }
      }
      case TABLE -> {
        Table table = loadTable(describe.name);
        for (Types.NestedField column : table.schema().columns()) {
          rows.add(column.name(), TypeNames.of(column.type()), column.isOptional(), column.doc());
        }
      }
      case CONTRACT -> {
        return ExecutionResult.rows(contracts.describe(describe).reader(allocator));
      }
      default -> throw Positions.userError(describe, "DESCRIBE %s is not supported", describe.kind);
    }
    return ExecutionResult.rows(rows.reader(allocator));
  }

  private Table loadTable(SqlIdentifier identifier) {
    TableName name = tableName(identifier);
    try {
      return engine.catalogs().catalog(name.catalog()).loadTable(name.identifier());
    } catch (NoSuchTableException e) {
      throw Positions.userError(identifier, "unknown table %s", name);
    }
  }

  private TableName tableName(SqlIdentifier identifier) {
    return tableName(identifier.names);
  }

  private TableName tableName(List<String> parts) {
    return TableName.resolve(parts, catalog, namespace, Set.copyOf(engine.catalogNames()));
  }

  private static List<String> append(List<String> parts, String last) {
    List<String> all = new ArrayList<>(parts);
    all.add(last);
    return all;
  }

  private SupportsNamespaces namespaces(String catalogName, SqlNode node) {
    Catalog icebergCatalog = engine.catalogs().catalog(catalogName);
    if (!(icebergCatalog instanceof SupportsNamespaces namespaces)) {
      throw Positions.userError(node, "catalog %s has no namespaces", catalogName);
    }
    return namespaces;
  }

  // Metadata for clients (JDBC DatabaseMetaData, DBeaver's navigator).

  public List<String> catalogs() {
    return engine.catalogNames();
  }

  /** Namespaces of one catalog, or of all when {@code catalogName} is null. */
  public List<List<String>> namespaces(String catalogName) {
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
    for (List<String> each : namespaces(catalogName)) {
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
    return result;
  }

  /** The Arrow schema of a table's columns. */
  public Schema tableSchema(String catalogName, String namespaceName, String tableName) {
    Catalog icebergCatalog = engine.catalogs().catalog(catalogName);
    try {
      Table table =
          icebergCatalog.loadTable(
              TableIdentifier.of(Namespace.of(namespaceName.split("\\.")), tableName));
      return ArrowSchemas.toArrow(table.schema());
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
