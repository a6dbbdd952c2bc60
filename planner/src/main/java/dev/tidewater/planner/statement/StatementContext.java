package dev.tidewater.planner.statement;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.Engine;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.SessionState;
import dev.tidewater.planner.TableName;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.NoSuchTableException;

/** What every statement executor of one session shares: the engine and the current names. */
public final class StatementContext {
  private final Engine engine;
  private final SessionState state;
  private final String user;

  public StatementContext(Engine engine, SessionState state, String user) {
    this.engine = requireNonNull(engine, "engine is null");
    this.state = requireNonNull(state, "state is null");
    this.user = requireNonNull(user, "user is null");
  }

  /** The session's user. */
  public String user() {
    return user;
  }

  public Engine engine() {
    return engine;
  }

  /** The session's current catalog. */
  public String catalog() {
    return state.catalog();
  }

  /** The session's current namespace. */
  public String namespace() {
    return state.namespace();
  }

  /** The session's current names, which {@code USE} changes. */
  public SessionState state() {
    return state;
  }

  public TableName tableName(SqlIdentifier identifier) {
    return tableName(identifier.names);
  }

  public TableName tableName(List<String> parts) {
    SessionState.Names names = state.names();
    return TableName.resolve(
        parts, names.catalog(), names.namespace(), Set.copyOf(engine.catalogNames()));
  }

  /** The Iceberg table an identifier names; a user error naming it when there is none. */
  public Table loadTable(SqlIdentifier identifier) {
    TableName name = tableName(identifier);
    try {
      return engine.catalogs().catalog(name.catalog()).loadTable(name.identifier());
    } catch (NoSuchTableException e) {
      throw Positions.userError(identifier, "unknown table %s", name);
    }
  }

  /** A catalog's namespace operations; a user error at {@code node} when it has none. */
  public SupportsNamespaces namespaces(String catalogName, SqlNode node) {
    Catalog icebergCatalog = engine.catalogs().catalog(catalogName);
    if (!(icebergCatalog instanceof SupportsNamespaces namespaces)) {
      throw Positions.userError(node, "catalog %s has no namespaces", catalogName);
    }
    return namespaces;
  }
}
