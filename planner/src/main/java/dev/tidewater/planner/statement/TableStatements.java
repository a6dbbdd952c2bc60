package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlDropTable;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.spi.Cancellation;
import org.apache.iceberg.catalog.Catalog;

/** {@code DROP TABLE}. */
final class TableStatements {
  private final StatementContext context;

  TableStatements(StatementContext context) {
    this.context = context;
  }

  ExecutionResult drop(SqlDropTable drop, Cancellation cancellation) {
    TableName name = context.tableName(drop.name);
    Catalog icebergCatalog = context.engine().catalogs().catalog(name.catalog());
    cancellation.enterCommit();
    boolean dropped = icebergCatalog.dropTable(name.identifier(), drop.purge);
    if (!dropped && !drop.ifExists) {
      throw Positions.userError(drop.name, "unknown table %s", name);
    }
    return ExecutionResult.update(0);
  }
}
