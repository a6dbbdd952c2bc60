package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlDropBranch;
import dev.tidewater.parser.ast.SqlPublishBranch;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;

/** {@code PUBLISH BRANCH} and {@code DROP BRANCH} of write-audit-publish (parsed, not run yet). */
final class BranchStatements {
  ExecutionResult publish(SqlPublishBranch publish) {
    throw Positions.userError(publish, "PUBLISH BRANCH is not supported yet");
  }

  ExecutionResult drop(SqlDropBranch drop) {
    throw Positions.userError(drop, "DROP BRANCH is not supported yet");
  }
}
