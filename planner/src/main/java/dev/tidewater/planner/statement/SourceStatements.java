package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlCreateSource;
import dev.tidewater.parser.ast.SqlDropSource;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.metadata.Secrets;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.time.Instant;
import java.util.Map;

/** {@code CREATE SOURCE} and {@code DROP SOURCE}. */
final class SourceStatements {
  private final Engine engine;

  SourceStatements(StatementContext context) {
    this.engine = context.engine();
  }

  ExecutionResult create(SqlCreateSource create, Cancellation cancellation) {
    String name = create.name.getSimple();
    Map<String, String> options;
    try {
      options = SqlOptions.toMap(create.options);
    } catch (IllegalArgumentException e) {
      throw Positions.userError(create.options, "%s", e.getMessage());
    }
    String type = create.type.getSimple();
    // A catalog (or the system tables) would hide a source of its name in every query.
    if (engine.catalogNames().contains(name) || name.equalsIgnoreCase("system")) {
      throw Positions.userError(
          create.name, "'%s' names a catalog; choose another name for the source", name);
    }
    boolean exists = engine.metadata().source(name).isPresent();
    if (exists && create.ifNotExists) {
      return ExecutionResult.update(0);
    }
    if (exists && !create.replace) {
      throw Positions.userError(
          create.name, "source '%s' already exists (use CREATE OR REPLACE SOURCE)", name);
    }
    // Check the options now; environment variables missing here are checked at execution.
    Map<String, String> checked =
        Secrets.resolveAll(
            options,
            variable -> {
              String value = engine.config().environment().apply(variable);
              return value == null ? "${env:" + variable + "}" : value;
            });
    try {
      engine.factory(type).create(name, checked).close();
    } catch (TidewaterException e) {
      if (e.kind() == ErrorKind.USER && e.position().isEmpty()) {
        throw Positions.userError(create, "%s", e.getMessage());
      }
      throw e;
    }
    // Checking the options may take a while (a driver to load, a location to list).
    cancellation.enterCommit();
    engine
        .metadata()
        .putSource(new SourceDefinition(name, engine.factory(type).name(), options, Instant.now()));
    return ExecutionResult.update(0);
  }

  ExecutionResult drop(SqlDropSource drop) {
    String name = drop.name.getSimple();
    if (!engine.metadata().dropSource(name) && !drop.ifExists) {
      throw Positions.userError(drop.name, "unknown source '%s'", name);
    }
    return ExecutionResult.update(0);
  }
}
