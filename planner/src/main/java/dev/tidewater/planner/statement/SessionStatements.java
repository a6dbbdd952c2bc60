package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlUse;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.SessionState;
import dev.tidewater.planner.StatementLimits;
import dev.tidewater.spi.TidewaterException;
import java.time.Duration;
import java.util.List;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;

/**
 * {@code USE}, {@code SET CATALOG}, {@code SET SCHEMA}: the session's current names; {@code SET
 * statement_timeout = '5s'} and {@code RESET statement_timeout}: its statement limits.
 */
final class SessionStatements {
  static final String STATEMENT_TIMEOUT = "statement_timeout";

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

  /**
   * {@code SET statement_timeout = '30s'} (a number with {@code ms}, {@code s}, {@code min} or
   * {@code h}, a bare number of milliseconds, {@code '0'} for none) and {@code RESET
   * statement_timeout} (back to the server's {@code statement-timeout}); the other options are
   * errors.
   */
  ExecutionResult set(SqlSetOption option) {
    String name = option.getName().toString();
    if (!name.equalsIgnoreCase(STATEMENT_TIMEOUT)) {
      throw Positions.userError(
          option.getName(),
          "unknown session option %s; the options are %s (and SET CATALOG, SET SCHEMA)",
          name,
          STATEMENT_TIMEOUT);
    }
    SessionState state = context.state();
    SqlNode value = option.getValue();
    if (value == null) {
      state.limits(state.limits().withTimeout(context.engine().config().limits().timeout()));
      return ExecutionResult.update(0);
    }
    String text =
        value instanceof SqlLiteral literal && literal.getValue() != null
            ? literal.toValue()
            : value.toString();
    Duration timeout = text == null ? null : StatementLimits.parseDuration(text);
    if (timeout == null) {
      throw Positions.userError(
          value,
          "statement_timeout must be a duration such as '30s', '500ms', '5min' or '0' (none),"
              + " not %s",
          value);
    }
    state.limits(state.limits().withTimeout(timeout));
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
