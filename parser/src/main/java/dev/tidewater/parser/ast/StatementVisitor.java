package dev.tidewater.parser.ast;

/**
 * One method per Tidewater statement kind. A new statement adds its method here, so every
 * dispatcher that does not handle it stops compiling.
 */
public interface StatementVisitor<R> {
  R visit(SqlCreateSource statement);

  R visit(SqlDropSource statement);

  R visit(SqlCreateContract statement);

  R visit(SqlDropContract statement);

  R visit(SqlLoad statement);

  R visit(SqlExplainLoad statement);

  R visit(SqlValidateLoad statement);

  R visit(SqlRollbackLoad statement);

  R visit(SqlPublishBranch statement);

  R visit(SqlDropBranch statement);

  R visit(SqlCreateNamespace statement);

  R visit(SqlDropTable statement);

  R visit(SqlShow statement);

  R visit(SqlDescribe statement);

  R visit(SqlUse statement);
}
