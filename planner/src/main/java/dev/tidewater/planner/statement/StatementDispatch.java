package dev.tidewater.planner.statement;

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
import dev.tidewater.parser.ast.SqlPublishBranch;
import dev.tidewater.parser.ast.SqlRollbackLoad;
import dev.tidewater.parser.ast.SqlShow;
import dev.tidewater.parser.ast.SqlUse;
import dev.tidewater.parser.ast.SqlValidateLoad;
import dev.tidewater.parser.ast.StatementVisitor;
import dev.tidewater.parser.ast.TidewaterStatement;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.query.QueryEngine;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSetOption;

/**
 * The one statement dispatch: binds each Tidewater statement to the executor method of its kind
 * (the visitor makes a statement without one a compile error), and queries to the query engine.
 */
public final class StatementDispatch {
  private final QueryEngine queries;
  private final SourceStatements sources;
  private final ContractStatements contracts;
  private final LoadStatements loads;
  private final RollbackStatement rollback;
  private final BranchStatements branches;
  private final NamespaceStatements namespaces;
  private final TableStatements tables;
  private final ShowStatements shows;
  private final DescribeStatements describes;
  private final SessionStatements sessions;

  public StatementDispatch(StatementContext context, QueryEngine queries) {
    this.queries = queries;
    this.contracts = new ContractStatements(context.engine().metadata());
    this.sources = new SourceStatements(context);
    this.loads = new LoadStatements(context);
    this.rollback = new RollbackStatement(context);
    this.branches = new BranchStatements(context);
    this.namespaces = new NamespaceStatements(context);
    this.tables = new TableStatements(context);
    this.shows = new ShowStatements(context, contracts);
    this.describes = new DescribeStatements(context, contracts);
    this.sessions = new SessionStatements(context);
  }

  /** Sets the current catalog and/or namespace (a null keeps that part); checks the catalog. */
  public void use(String catalogOrNull, String namespaceOrNull) {
    sessions.use(catalogOrNull, namespaceOrNull);
  }

  /** Binds a parsed statement; {@code sql} is its text, which a query is planned from. */
  public BoundStatement bind(SqlNode node, String sql) {
    if (node instanceof TidewaterStatement statement) {
      return statement.accept(new Binder(sql));
    }
    if (node instanceof SqlSetOption option) {
      return BoundStatement.update(() -> sessions.set(option));
    }
    if (node.getKind().belongsTo(SqlKind.QUERY) || node.getKind() == SqlKind.EXPLAIN) {
      RowCounts.check(node);
      return new BoundStatement(
          () -> queries.describe(sql),
          (allocator, listener, cancellation) -> {
            cancellation.check();
            return ExecutionResult.rows(queries.execute(sql, allocator));
          });
    }
    return BoundStatement.update(
        () -> {
          throw Positions.userError(node, "statement %s is not supported", node.getKind());
        });
  }

  /**
   * Binds one Tidewater statement; {@code sql}, the statement's text as the client sent it, reaches
   * every executor (a LOAD shows it in system.running_loads).
   */
  private final class Binder implements StatementVisitor<BoundStatement> {
    private final String sql;

    Binder(String sql) {
      this.sql = sql;
    }

    @Override
    public BoundStatement visit(SqlCreateSource statement) {
      return BoundStatement.change(cancellation -> sources.create(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlDropSource statement) {
      return BoundStatement.update(() -> sources.drop(statement));
    }

    @Override
    public BoundStatement visit(SqlCreateContract statement) {
      return BoundStatement.update(() -> contracts.create(statement));
    }

    @Override
    public BoundStatement visit(SqlDropContract statement) {
      return BoundStatement.update(() -> contracts.drop(statement));
    }

    @Override
    public BoundStatement visit(SqlLoad statement) {
      return new BoundStatement(
          () -> LoadStatements.LOAD_SCHEMA,
          (allocator, listener, cancellation) ->
              loads.load(statement, sql, allocator, listener, cancellation));
    }

    @Override
    public BoundStatement visit(SqlExplainLoad statement) {
      return BoundStatement.rows(
          LoadStatements.EXPLAIN_SCHEMA, allocator -> loads.explain(statement, allocator));
    }

    @Override
    public BoundStatement visit(SqlValidateLoad statement) {
      return new BoundStatement(
          () -> LoadStatements.VALIDATE_SCHEMA,
          (allocator, listener, cancellation) ->
              loads.validate(statement, allocator, cancellation));
    }

    @Override
    public BoundStatement visit(SqlRollbackLoad statement) {
      return BoundStatement.change(cancellation -> rollback.execute(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlPublishBranch statement) {
      return BoundStatement.change(cancellation -> branches.publish(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlDropBranch statement) {
      return BoundStatement.change(cancellation -> branches.drop(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlCreateNamespace statement) {
      return BoundStatement.change(cancellation -> namespaces.create(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlDropTable statement) {
      return BoundStatement.change(cancellation -> tables.drop(statement, cancellation));
    }

    @Override
    public BoundStatement visit(SqlShow statement) {
      if (statement.kind == SqlShow.ShowKind.BRANCHES) {
        return BoundStatement.rows(
            BranchStatements.SHOW_SCHEMA, allocator -> branches.show(statement, allocator));
      }
      return BoundStatement.rows(
          ShowStatements.schema(statement), allocator -> shows.execute(statement, allocator));
    }

    @Override
    public BoundStatement visit(SqlDescribe statement) {
      return BoundStatement.rows(
          DescribeStatements.schema(statement),
          allocator -> describes.execute(statement, allocator));
    }

    @Override
    public BoundStatement visit(SqlUse statement) {
      return BoundStatement.update(() -> sessions.use(statement));
    }
  }
}
