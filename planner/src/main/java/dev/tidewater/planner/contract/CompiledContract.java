package dev.tidewater.planner.contract;

import static java.util.Objects.requireNonNull;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateCompiler;
import dev.tidewater.planner.result.TypeNames;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;

/**
 * The compile step of a contract for one load: how each contract column is fed from the incoming
 * schema (as it is, cast, widened or missing), the columns the contract lacks, the CHECKs compiled
 * into vectorized predicates and the UNIQUE keys with their key sets. {@link ContractValidator}
 * evaluates batches against it.
 */
final class CompiledContract {
  final ContractDefinition contract;
  final Schema incomingSchema;
  final List<Column> columns;
  final List<Extra> extras;
  final Schema evaluationSchema;
  final Schema outputSchema;
  final Schema tableSchema;
  final boolean changesColumns;
  final List<Check> checks;
  final List<Unique> uniques;

  /** How a contract column is fed from the incoming batch. */
  enum Feed {
    /** Same type: the incoming vector as it is. */
    AS_IS,
    /** Another type: cast value by value. */
    CAST,
    /** A wider type under {@code data_type = 'evolve'}: the incoming vector as it is. */
    WIDENED,
    /** No such incoming column: all null. */
    MISSING
  }

  /** A contract column and where its values come from. */
  record Column(
      ContractDefinition.Column definition,
      int incomingIndex,
      Feed feed,
      Field evaluationField,
      ValueCast cast,
      String typeRule) {}

  /** An incoming column the contract lacks. */
  record Extra(int incomingIndex, String name, String rule) {}

  /** A compiled CHECK and its rule name. */
  record Check(CompiledPredicate predicate, String rule, String display) {}

  /** A UNIQUE key: its contract column positions and key set. */
  record Unique(int[] columns, List<String> names, String rule, UniqueKeySet keys) {}

  /** See {@link ContractValidator#ContractValidator(ContractDefinition, Schema, long, List)}. */
  CompiledContract(
      ContractDefinition contract,
      Schema incomingSchema,
      long uniqueKeyLimit,
      List<List<String>> loadKeys) {
    this.contract = requireNonNull(contract, "contract is null");
    this.incomingSchema = requireNonNull(incomingSchema, "incomingSchema is null");
    List<Field> incoming = incomingSchema.getFields();
    Map<Integer, Integer> incomingOf = match(contract, incoming);

    List<Column> columns = new ArrayList<>();
    List<Field> evaluationFields = new ArrayList<>();
    for (int c = 0; c < contract.columns().size(); c++) {
      ContractDefinition.Column definition = contract.columns().get(c);
      Integer index = incomingOf.get(c);
      String typeRule = Rules.type(definition.name(), definition.sqlType());
      Feed feed;
      ArrowType type = definition.type();
      ValueCast cast = null;
      if (index == null) {
        feed = Feed.MISSING;
      } else {
        ArrowType incomingType = incoming.get(index).getType();
        if (incomingType.equals(definition.type())) {
          feed = Feed.AS_IS;
        } else if (contract.modes().dataType() == EvolutionMode.EVOLVE
            && isWidening(definition.type(), incomingType)) {
          feed = Feed.WIDENED;
          type = incomingType;
        } else {
          feed = Feed.CAST;
          Field output = new Field(incoming.get(index).getName(), FieldType.nullable(type), null);
          cast = new ValueCast(output, definition.maxLength());
        }
      }
      Field evaluationField = new Field(definition.name(), FieldType.nullable(type), null);
      evaluationFields.add(evaluationField);
      columns.add(
          new Column(
              definition, index == null ? -1 : index, feed, evaluationField, cast, typeRule));
    }
    this.columns = List.copyOf(columns);
    this.evaluationSchema = new Schema(evaluationFields);

    List<Extra> extras = new ArrayList<>();
    List<Field> outputFields = new ArrayList<>();
    EvolutionMode columnsMode = contract.modes().columns();
    boolean changes = false;
    for (int i = 0; i < incoming.size(); i++) {
      Field field = incoming.get(i);
      Column column = null;
      for (Column candidate : columns) {
        if (candidate.incomingIndex() == i) {
          column = candidate;
        }
      }
      if (column != null) {
        if (column.feed() == Feed.CAST) {
          changes = true;
          outputFields.add(
              new Field(field.getName(), FieldType.nullable(column.definition().type()), null));
        } else {
          outputFields.add(field);
        }
      } else if (columnsMode == EvolutionMode.EVOLVE) {
        outputFields.add(field);
      } else {
        changes = true;
        extras.add(new Extra(i, field.getName(), Rules.columns(columnsMode, field.getName())));
      }
    }
    this.extras = List.copyOf(extras);
    this.outputSchema = new Schema(outputFields);
    List<Field> tableFields = new ArrayList<>();
    for (Column column : columns) {
      Field field = column.evaluationField();
      tableFields.add(
          new Field(
              column.incomingIndex() < 0
                  ? field.getName()
                  : incoming.get(column.incomingIndex()).getName(),
              new FieldType(!column.definition().notNull(), field.getType(), null),
              null));
    }
    for (int i = 0; i < incoming.size(); i++) {
      int index = i;
      boolean matched = columns.stream().anyMatch(column -> column.incomingIndex() == index);
      if (!matched && columnsMode == EvolutionMode.EVOLVE) {
        tableFields.add(incoming.get(i));
      }
    }
    this.tableSchema = new Schema(tableFields);
    this.changesColumns = changes;
    this.checks = compileChecks(contract, evaluationSchema);

    List<List<String>> keys = new ArrayList<>(contract.uniqueKeys());
    for (List<String> key : loadKeys) {
      List<String> named = new ArrayList<>();
      for (String column : key) {
        var definition = contract.column(column);
        if (definition.isEmpty()) {
          named = null;
          break;
        }
        named.add(definition.get().name());
      }
      if (named != null && keys.stream().noneMatch(List.copyOf(named)::equals)) {
        keys.add(List.copyOf(named));
      }
    }
    List<Unique> uniques = new ArrayList<>();
    for (List<String> key : keys) {
      int[] positions = new int[key.size()];
      List<ArrowType> types = new ArrayList<>();
      for (int k = 0; k < key.size(); k++) {
        positions[k] = indexOf(contract, key.get(k));
        types.add(evaluationFields.get(positions[k]).getType());
      }
      String rule = Rules.unique(key);
      uniques.add(
          new Unique(
              positions,
              key,
              rule,
              new UniqueKeySet(rule, uniqueKeyLimit, UniqueKeySet.isExact(types))));
    }
    this.uniques = List.copyOf(uniques);
  }

  /** What the validator does with each column, for {@code EXPLAIN LOAD}. */
  List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(
        "contract "
            + contract.name()
            + " version "
            + contract.version()
            + " ("
            + contract.modes().describe()
            + ")");
    for (Column column : columns) {
      String name = SqlText.name(column.definition().name());
      String sqlType = column.definition().sqlType();
      lines.add(
          switch (column.feed()) {
            case AS_IS -> name + " " + sqlType;
            case CAST ->
                name
                    + " "
                    + TypeNames.of(incomingSchema.getFields().get(column.incomingIndex()))
                    + " -> "
                    + sqlType
                    + " (cast without loss)";
            case WIDENED ->
                name
                    + " "
                    + TypeNames.of(column.evaluationField())
                    + " (wider than the contract's "
                    + sqlType
                    + ", data_type = 'evolve')";
            case MISSING -> name + " " + sqlType + " (not in the load: null)";
          });
    }
    for (Extra extra : extras) {
      lines.add(
          SqlText.name(extra.name())
              + " (not in the contract: dropped, columns = '"
              + contract.modes().columns().sqlName()
              + "')");
    }
    checks.forEach(check -> lines.add(check.rule()));
    uniques.forEach(unique -> lines.add(unique.rule()));
    return lines;
  }

  /** Contract column position to incoming column position, matching names ignoring case. */
  private static Map<Integer, Integer> match(ContractDefinition contract, List<Field> incoming) {
    Map<Integer, Integer> incomingOf = new HashMap<>();
    for (int i = 0; i < incoming.size(); i++) {
      String name = incoming.get(i).getName();
      for (int c = 0; c < contract.columns().size(); c++) {
        if (contract.columns().get(c).name().equalsIgnoreCase(name)) {
          Integer previous = incomingOf.putIfAbsent(c, i);
          if (previous != null) {
            throw TidewaterException.user(
                "columns '%s' and '%s' of the load both match column '%s' of contract '%s'",
                incoming.get(previous).getName(),
                name,
                contract.columns().get(c).name(),
                contract.name());
          }
        }
      }
    }
    return incomingOf;
  }

  private static int indexOf(ContractDefinition contract, String name) {
    for (int c = 0; c < contract.columns().size(); c++) {
      if (contract.columns().get(c).name().equals(name)) {
        return c;
      }
    }
    throw TidewaterException.internal(
        null, "UNIQUE column '%s' is not a column of contract '%s'", name, contract.name());
  }

  /** Whether Iceberg can widen a column of the contract's type to the incoming type. */
  private static boolean isWidening(ArrowType contractType, ArrowType incomingType) {
    try {
      Type from = icebergType(contractType);
      Type to = icebergType(incomingType);
      return to.isPrimitiveType()
          && !from.equals(to)
          && TypeUtil.isPromotionAllowed(from, to.asPrimitiveType());
    } catch (TidewaterException e) {
      return false; // a type Iceberg cannot store: no widening
    }
  }

  private static Type icebergType(ArrowType type) {
    return ArrowSchemas.toIceberg(new Schema(List.of(Field.nullable("c", type))))
        .columns()
        .get(0)
        .type();
  }

  private static List<Check> compileChecks(ContractDefinition contract, Schema schema) {
    List<Check> checks = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    contract.columns().stream()
        .filter(column -> column.check() != null)
        .forEach(column -> texts.add(column.check()));
    texts.addAll(contract.checks());
    for (String text : texts) {
      String display = SqlText.display(text);
      CompiledPredicate predicate;
      try {
        predicate = PredicateCompiler.compile(text, schema);
      } catch (TidewaterException e) {
        // the CHECK compiled against the contract's types; a widened column can break it
        throw new TidewaterException(
            ErrorKind.USER,
            String.format(
                "contract '%s': CHECK (%s) cannot be applied to the column types of this load: %s",
                contract.name(), display, e.getMessage()),
            e);
      }
      checks.add(new Check(predicate, Rules.check(display), display));
    }
    return List.copyOf(checks);
  }
}
