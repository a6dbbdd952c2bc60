package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlExplainLoad;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.parser.ast.SqlValidateLoad;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.load.LoadExecutor;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.planner.load.LoadOutcome;
import dev.tidewater.planner.load.LoadPlan;
import dev.tidewater.planner.load.LoadPlanner;
import dev.tidewater.planner.load.RunningLoads;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.spi.Cancellation;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/** {@code LOAD}, {@code EXPLAIN LOAD} and {@code VALIDATE LOAD}: plan a load, then run it. */
final class LoadStatements {
  /** How many violations VALIDATE LOAD lists by default (the counts per rule cover all). */
  private static final int MAX_VIOLATIONS = 1000;

  static final Schema LOAD_SCHEMA = LoadOutcome.SCHEMA;
  static final Schema EXPLAIN_SCHEMA = ResultSchemas.PLAN;
  static final Schema VALIDATE_SCHEMA = LoadExecutor.VALIDATION_SCHEMA;

  private final StatementContext context;
  private final Engine engine;

  LoadStatements(StatementContext context) {
    this.context = context;
    this.engine = context.engine();
  }

  /** Runs a LOAD; {@code sql} is its text, which system.running_loads shows (secrets masked). */
  ExecutionResult load(
      SqlLoad load,
      String sql,
      BufferAllocator allocator,
      LoadListener listener,
      Cancellation cancellation) {
    RunningLoads.Statement statement =
        new RunningLoads.Statement(engine.redactor().redact(sql), context.user());
    try (LoadPlan plan = planner().plan(load, context.catalog(), context.namespace())) {
      LoadOutcome outcome =
          new LoadExecutor(engine).execute(plan, allocator, listener, cancellation, statement);
      return ExecutionResult.rows(outcome.toRows().reader(allocator));
    }
  }

  ExecutionResult explain(SqlExplainLoad explain, BufferAllocator allocator) {
    try (LoadPlan plan = planner().plan(explain.load, context.catalog(), context.namespace())) {
      Rows rows = Rows.of(ResultSchemas.PLAN);
      plan.explain().forEach(rows::add);
      return ExecutionResult.rows(rows.reader(allocator));
    }
  }

  /**
   * VALIDATE LOAD: the load's extraction and validation, nothing written; {@code WITH
   * (max_violations = n)} caps the violations listed.
   */
  ExecutionResult validate(
      SqlValidateLoad validate, BufferAllocator allocator, Cancellation cancellation) {
    int maxViolations = maxViolations(validate);
    try (LoadPlan plan =
        planner()
            .plan(
                validate.load,
                context.catalog(),
                context.namespace(),
                LoadPlanner.Purpose.VALIDATE)) {
      return ExecutionResult.rows(
          new LoadExecutor(engine)
              .validateOnly(plan, allocator, maxViolations, cancellation)
              .reader(allocator));
    }
  }

  private static int maxViolations(SqlValidateLoad validate) {
    String limit = SqlOptions.toMap(validate.load.options).get(LoadPlanner.MAX_VIOLATIONS_OPTION);
    if (limit == null) {
      return MAX_VIOLATIONS;
    }
    int maxViolations;
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
    return maxViolations;
  }

  private LoadPlanner planner() {
    return new LoadPlanner(engine);
  }
}
