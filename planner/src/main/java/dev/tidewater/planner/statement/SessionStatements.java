package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlUse;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.SessionState;
import dev.tidewater.spi.TidewaterException;
import java.util.List;

/** {@code USE}, {@code SET CATALOG}, {@code SET SCHEMA}: the session's current names. */
final class SessionStatements {
  private final StatementContext context;

  SessionStatements(StatementContext context) {
    this.context = context;
  }

  ExecutionResult use(SqlUse use) {
    List<String> parts = use.name.names;
    SessionState state = context.state();
    if (use.target == SqlUse.Target.CATALOG) {
      if (parts.size() != 1 || !catalogNames().contains(parts.get(0))) {
        throw Positions.userError(
            use.name, "unknown catalog %s; the catalogs are %s", use.name, catalogNames());
      }
      state.use(parts.get(0), state.namespace());
      return ExecutionResult.update(0);
    }
    if (parts.size() > 1 && catalogNames().contains(parts.get(0))) {
      state.use(parts.get(0), String.join(".", parts.subList(1, parts.size())));
    } else {
      state.use(state.catalog(), String.join(".", parts));
    }
    return ExecutionResult.update(0);
  }

  /** Sets the catalog and/or the namespace by name (a null keeps that part). */
  void use(String catalogOrNull, String namespaceOrNull) {
    SessionState state = context.state();
    String catalog = catalogOrNull == null ? state.catalog() : catalogOrNull;
    if (!catalogNames().contains(catalog)) {
      throw TidewaterException.user(
          "unknown catalog %s; the catalogs are %s", catalog, catalogNames());
    }
    state.use(catalog, namespaceOrNull == null ? state.namespace() : namespaceOrNull);
  }

  private List<String> catalogNames() {
    return context.engine().catalogNames();
  }
}
