package dev.tidewater.planner.load;

import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.ContractDefinition;
import dev.tidewater.planner.contract.ContractValidator;
import dev.tidewater.planner.contract.EvolutionMode;
import dev.tidewater.planner.contract.QuarantineWriter;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlIdentifier;

/** Plans the contract stage of a LOAD ... USING CONTRACT and what the contract asks of extract. */
final class ContractPlanning {
  private final Set<String> catalogNames;

  ContractPlanning(Set<String> catalogNames) {
    this.catalogNames = catalogNames;
  }

  /** The contract stage before the tree is assembled: a {@link LoadOperator.Validate} but input. */
  record Stage(
      ContractValidator validator,
      SqlLoad.OnError onError,
      Double errorLimit,
      LoadPlan.ErrorLimitKind limitKind,
      TableName quarantine) {
    LoadOperator.Validate over(LoadOperator input) {
      return new LoadOperator.Validate(
          input, validator, onError, errorLimit, limitKind, quarantine);
    }
  }

  /**
   * The reason a load into a table that does not exist reads and writes nothing (the contract's
   * {@code tables} mode discards it), or null; fails when the contract forbids the new table.
   */
  static String checkNewTable(SqlLoad load, Stage stage, TableName target) {
    if (stage == null) {
      return null;
    }
    try {
      stage.validator().contract().checkNewTable(target.toString());
    } catch (TidewaterException e) {
      throw Positions.userError(load.contract, "%s", e.getMessage());
    }
    EvolutionMode tables = stage.validator().contract().modes().tables();
    if (tables == EvolutionMode.DISCARD_ROW || tables == EvolutionMode.DISCARD_VALUE) {
      return String.format(
          "table %s does not exist and contract '%s' has tables = '%s': the load reads"
              + " and writes nothing",
          target, stage.validator().contract().name(), tables.sqlName());
    }
    return null;
  }

  /** The contract stage of a LOAD ... USING CONTRACT, or null without one. */
  Stage stage(SqlLoad load, ContractDefinition contract, Schema extractSchema, TableName target) {
    if (contract == null) {
      if (load.errorLimit != null) {
        throw Positions.userError(load.errorLimit, "ERROR LIMIT needs USING CONTRACT");
      }
      return null;
    }
    // A MERGE without DEDUP BY needs its keys unique: the contract checks them like its own.
    List<List<String>> loadKeys = new ArrayList<>();
    if (load.disposition == SqlLoad.Disposition.MERGE && load.dedupBy == null) {
      loadKeys.add(
          load.mergeKeys.getList().stream()
              .map(node -> ((SqlIdentifier) node).getSimple())
              .toList());
    }
    ContractValidator validator =
        new ContractValidator(
            contract, extractSchema, ContractValidator.DEFAULT_UNIQUE_KEY_LIMIT, loadKeys);
    SqlLoad.OnError onError = load.onError == null ? SqlLoad.OnError.ABORT : load.onError;
    TableName quarantine = null;
    if (onError == SqlLoad.OnError.QUARANTINE) {
      quarantine =
          load.quarantineTable == null
              ? new TableName(
                  target.catalog(),
                  target.namespace(),
                  target.table() + QuarantineWriter.DEFAULT_SUFFIX)
              : TableName.resolve(
                  load.quarantineTable.names,
                  target.catalog(),
                  target.namespaceText(),
                  catalogNames);
    }
    Double limit = null;
    LoadPlan.ErrorLimitKind kind = LoadPlan.ErrorLimitKind.ROWS;
    if (load.errorLimit != null) {
      if (onError == SqlLoad.OnError.ABORT) {
        throw Positions.userError(
            load.errorLimit,
            "ERROR LIMIT needs ON ERROR SKIP or QUARANTINE (ABORT stops at the first violation)");
      }
      limit = load.errorLimit.bigDecimalValue().doubleValue();
      kind =
          load.errorLimitPercent ? LoadPlan.ErrorLimitKind.PERCENT : LoadPlan.ErrorLimitKind.ROWS;
      if (limit < 0 || kind == LoadPlan.ErrorLimitKind.PERCENT && limit > 100) {
        throw Positions.userError(
            load.errorLimit,
            "ERROR LIMIT %s%s is out of range",
            load.errorLimit,
            kind == LoadPlan.ErrorLimitKind.PERCENT ? " PERCENT (0 to 100)" : " (0 or more)");
      }
    }
    return new Stage(validator, onError, limit, kind, quarantine);
  }

  /**
   * The columns a text source should deliver as text: those the contract types differently from the
   * discovered schema (scalars only), except the cursor column, which the cursor window compares as
   * extracted.
   */
  static Set<String> textColumns(ContractDefinition contract, Schema discovered, SqlLoad load) {
    if (contract == null) {
      return Set.of();
    }
    String cursor = load.incrementalColumn == null ? null : load.incrementalColumn.getSimple();
    Set<String> text = new java.util.TreeSet<>();
    for (Field field : discovered.getFields()) {
      if (cursor != null && field.getName().equalsIgnoreCase(cursor)) {
        continue;
      }
      contract
          .column(field.getName())
          .filter(column -> !column.type().equals(field.getType()))
          .filter(column -> isScalar(column.type()) && isScalar(field.getType()))
          .ifPresent(column -> text.add(field.getName()));
    }
    return text;
  }

  static boolean isScalar(ArrowType type) {
    return !(type instanceof ArrowType.Struct
        || type instanceof ArrowType.List
        || type instanceof ArrowType.LargeList
        || type instanceof ArrowType.Map);
  }

  /** {@code schema} with the fields named in {@code textColumns} as nullable text. */
  static Schema asText(Schema schema, Set<String> textColumns) {
    if (textColumns.isEmpty()) {
      return schema;
    }
    List<Field> fields = new ArrayList<>();
    for (Field field : schema.getFields()) {
      fields.add(
          textColumns.contains(field.getName())
              ? new Field(field.getName(), FieldType.nullable(ArrowType.Utf8.INSTANCE), null)
              : field);
    }
    return new Schema(fields);
  }
}
