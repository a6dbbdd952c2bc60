package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlShow;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.metadata.LoadRecord;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.planner.result.Rows;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;

/** {@code SHOW SOURCES | CONTRACTS | CATALOGS | NAMESPACES | TABLES | LOADS}. */
final class ShowStatements {
  private final StatementContext context;
  private final Engine engine;
  private final ContractStatements contracts;

  ShowStatements(StatementContext context, ContractStatements contracts) {
    this.context = context;
    this.engine = context.engine();
    this.contracts = contracts;
  }

  static Schema schema(SqlShow show) {
    return switch (show.kind) {
      case SOURCES -> ResultSchemas.SOURCES;
      case CATALOGS -> ResultSchemas.CATALOGS;
      case NAMESPACES -> ResultSchemas.NAMESPACES;
      case TABLES -> ResultSchemas.TABLES;
      case LOADS -> ResultSchemas.LOADS;
      case CONTRACTS -> ContractStatements.SHOW_SCHEMA;
      case BRANCHES -> BranchStatements.SHOW_SCHEMA;
    };
  }

  ExecutionResult execute(SqlShow show, BufferAllocator allocator) {
    Rows rows = Rows.of(schema(show));
    switch (show.kind) {
      case SOURCES -> sources(rows);
      case CATALOGS -> engine.catalogNames().forEach(rows::add);
      case NAMESPACES -> namespaces(show, rows);
      case TABLES -> tables(show, rows);
      case LOADS -> loads(show, rows);
      case CONTRACTS -> {
        return ExecutionResult.rows(contracts.show().reader(allocator));
      }
      default -> throw Positions.userError(show, "SHOW %s is not supported", show.kind);
    }
    return ExecutionResult.rows(rows.reader(allocator));
  }

  private void sources(Rows rows) {
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

  private void namespaces(SqlShow show, Rows rows) {
    if (show.scope != null && !show.scope.isSimple()) {
      throw Positions.userError(
          show.scope, "SHOW NAMESPACES IN takes a catalog name, not %s", show.scope);
    }
    String catalogName = show.scope == null ? context.catalog() : show.scope.getSimple();
    for (Namespace each : context.namespaces(catalogName, show).listNamespaces()) {
      rows.add(catalogName, String.join(".", each.levels()));
    }
  }

  private void tables(SqlShow show, Rows rows) {
    if (show.scope != null && show.scope.isSimple()) {
      var source = engine.metadata().source(show.scope.getSimple());
      if (source.isPresent()) {
        // A source's objects: schema.table of a database, nothing more for a one-table source.
        try (dev.tidewater.spi.Connector connector = engine.connect(source.get())) {
          for (dev.tidewater.spi.SourceObject object : connector.listObjects()) {
            List<String> path = object.path();
            rows.add(
                source.get().name(),
                String.join(".", path.subList(0, Math.max(0, path.size() - 1))),
                path.isEmpty() ? source.get().name() : path.get(path.size() - 1));
          }
        }
        return;
      }
    }
    TableName scope =
        show.scope == null
            ? new TableName(context.catalog(), Namespace.of(context.namespace()), "")
            : context.tableName(append(show.scope.names, ""));
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

  private void loads(SqlShow show, Rows rows) {
    String target = show.scope == null ? null : context.tableName(show.scope.names).toString();
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

  private static List<String> append(List<String> parts, String last) {
    List<String> all = new ArrayList<>(parts);
    all.add(last);
    return all;
  }
}
