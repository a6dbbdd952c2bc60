package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlCreateNamespace;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.spi.Cancellation;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.AlreadyExistsException;

/** {@code CREATE NAMESPACE}. */
final class NamespaceStatements {
  private final StatementContext context;

  NamespaceStatements(StatementContext context) {
    this.context = context;
  }

  ExecutionResult create(SqlCreateNamespace create, Cancellation cancellation) {
    List<String> parts = create.name.names;
    String catalogName = context.catalog();
    List<String> levels = parts;
    if (parts.size() > 1 && context.engine().catalogNames().contains(parts.get(0))) {
      catalogName = parts.get(0);
      levels = parts.subList(1, parts.size());
    }
    SupportsNamespaces namespaces = context.namespaces(catalogName, create.name);
    Namespace target = Namespace.of(levels.toArray(String[]::new));
    cancellation.enterCommit();
    try {
      namespaces.createNamespace(target);
    } catch (AlreadyExistsException e) {
      if (!create.ifNotExists) {
        throw Positions.userError(create.name, "namespace %s already exists", create.name);
      }
    }
    return ExecutionResult.update(0);
  }
}
