package dev.tidewater.planner.statement;

import dev.tidewater.parser.ast.SqlDescribe;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.metadata.SourceDefinition;
import dev.tidewater.planner.result.Rows;
import dev.tidewater.planner.result.TypeNames;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.SourceObject;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/** {@code DESCRIBE SOURCE | CONTRACT | [TABLE] name}. */
final class DescribeStatements {
  private final StatementContext context;
  private final Engine engine;
  private final ContractStatements contracts;

  DescribeStatements(StatementContext context, ContractStatements contracts) {
    this.context = context;
    this.engine = context.engine();
    this.contracts = contracts;
  }

  static Schema schema(SqlDescribe describe) {
    return describe.kind == SqlDescribe.DescribeKind.CONTRACT
        ? ContractStatements.DESCRIBE_SCHEMA
        : ResultSchemas.COLUMNS;
  }

  ExecutionResult execute(SqlDescribe describe, BufferAllocator allocator) {
    Rows rows = Rows.of(ResultSchemas.COLUMNS);
    switch (describe.kind) {
      case SOURCE -> source(describe, rows);
      case TABLE -> table(describe, rows);
      case CONTRACT -> {
        return ExecutionResult.rows(contracts.describe(describe).reader(allocator));
      }
      default -> throw Positions.userError(describe, "DESCRIBE %s is not supported", describe.kind);
    }
    return ExecutionResult.rows(rows.reader(allocator));
  }

  private void source(SqlDescribe describe, Rows rows) {
    String name = describe.name.names.get(0);
    SourceDefinition source =
        engine
            .metadata()
            .source(name)
            .orElseThrow(() -> Positions.userError(describe.name, "unknown source '%s'", name));
    SourceObject object =
        new SourceObject(describe.name.names.subList(1, describe.name.names.size()));
    try (Connector connector = engine.connect(source)) {
      for (Field field : connector.discover(object).getFields()) {
        rows.add(field.getName(), TypeNames.of(field), field.isNullable(), null);
      }
    }
  }

  private void table(SqlDescribe describe, Rows rows) {
    Table table = context.loadTable(describe.name);
    for (Types.NestedField column : table.schema().columns()) {
      rows.add(column.name(), TypeNames.of(column.type()), column.isOptional(), column.doc());
    }
  }
}
