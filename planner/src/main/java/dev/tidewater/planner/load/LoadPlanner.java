package dev.tidewater.planner.load;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.Branches;
import dev.tidewater.iceberg.MergeMode;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.PartitionTerm;
import dev.tidewater.iceberg.Partitioning;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.ContractDefinition;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.contract.ContractValidator;
import dev.tidewater.planner.contract.EvolutionMode;
import dev.tidewater.planner.contract.QuarantineWriter;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateCompiler;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/** Compiles a LOAD statement into a {@link LoadPlan}, reading schemas but no data. */
public final class LoadPlanner {
  /** The option that sets the format version of a table the load creates. */
  public static final String FORMAT_VERSION_OPTION = "format_version";

  private static final Set<String> WRITE_OPTIONS =
      Set.of(
          "target_file_size",
          FORMAT_VERSION_OPTION,
          MergeMode.OPTION,
          MergeSink.KEY_MEMORY_OPTION,
          MergeSink.SPILL_DIRECTORY_OPTION,
          MergeSink.THREADS_OPTION,
          "write.merge.isolation-level");

  private final Engine engine;

  public LoadPlanner(Engine engine) {
    this.engine = engine;
  }

  /** The option of VALIDATE LOAD that caps the violations it lists (default 1000). */
  public static final String MAX_VIOLATIONS_OPTION = "max_violations";

  /** What a plan is for: VALIDATE LOAD takes an option of its own. */
  public enum Purpose {
    LOAD,
    VALIDATE
  }

  public LoadPlan plan(SqlLoad load, String defaultCatalog, String defaultNamespace) {
    return plan(load, defaultCatalog, defaultNamespace, Purpose.LOAD);
  }

  public LoadPlan plan(
      SqlLoad load, String defaultCatalog, String defaultNamespace, Purpose purpose) {
    rejectUnsupported(load);
    LoadSources.Extraction extraction =
        new LoadSources(engine).extraction(load.source, defaultCatalog, defaultNamespace);
    String sourceName = extraction.name();
    SourceObject object = extraction.object();
    Map<String, String> writeOptions;
    TableName target;
    Catalog catalog;
    try {
      writeOptions = writeOptions(load, purpose);
      target =
          TableName.resolve(
              load.target.names,
              defaultCatalog,
              defaultNamespace,
              Set.copyOf(engine.catalogNames()));
      catalog = engine.catalogs().catalog(target.catalog());
    } catch (RuntimeException e) {
      extraction.connector().close();
      throw e;
    }
    Connector connector = extraction.connector();
    try {
      Schema discovered = connector.discover(object);
      if (discovered.getFields().isEmpty()) {
        throw Positions.userError(load.source, "source '%s' has no columns", sourceName);
      }
      ContractDefinition contract =
          load.contract == null
              ? null
              : new ContractStatements(engine.metadata()).resolve(load.contract);
      // Text sources parse the columns whose contract type differs as text: the contract decides
      // what such a value may become, not the type inferred from a sample.
      Set<String> textColumns = textColumns(contract, discovered, load);
      Schema extractSchema = asText(discovered, textColumns);
      LoadPlan.Validation validation = validation(load, contract, extractSchema, target);
      // With a contract, the later stages see the validated rows: the contract's types.
      Schema sourceSchema =
          validation == null ? extractSchema : validation.validator().outputSchema();
      List<PartitionTerm> partitioning = partitioning(load);
      boolean exists = catalog.tableExists(target.identifier());
      String branch = branch(load);
      if (branch != null) {
        if (!exists) {
          throw Positions.userError(
              load.branch,
              "AT BRANCH '%s': table %s does not exist; a branch starts from the table's main,"
                  + " so create the table first (a LOAD without AT BRANCH)",
              branch,
              target);
        }
        writeOptions.put(LoadPlan.BRANCH_OPTION, branch);
      }
      org.apache.iceberg.Schema tableSchema;
      SchemaEvolution evolution = new SchemaEvolution(List.of(), List.of());
      Table table = null;
      String skipReason = null;
      if (exists && writeOptions.containsKey(FORMAT_VERSION_OPTION)) {
        throw Positions.userError(
            load.options,
            "option '%s' applies when the load creates the table; %s exists",
            FORMAT_VERSION_OPTION,
            target);
      }
      if (exists) {
        // At a branch, the cursor and the rows a MERGE replaces are the branch's.
        table = Branches.view(catalog.loadTable(target.identifier()), branch);
        evolution = SchemaEvolution.plan(sourceSchema, table.schema());
        tableSchema = evolution.apply(table);
        if (!partitioning.isEmpty()) {
          PartitionSpec wanted = Partitioning.spec(tableSchema, partitioning);
          if (!wanted.compatibleWith(table.spec())) {
            throw Positions.userError(
                load.partitionBy,
                "table %s exists with partitioning %s; PARTITIONED BY %s differs",
                target,
                table.spec(),
                wanted);
          }
        }
      } else {
        if (validation != null) {
          try {
            validation.validator().contract().checkNewTable(target.toString());
          } catch (TidewaterException e) {
            throw Positions.userError(load.contract, "%s", e.getMessage());
          }
          EvolutionMode tables = validation.validator().contract().modes().tables();
          if (tables == EvolutionMode.DISCARD_ROW || tables == EvolutionMode.DISCARD_VALUE) {
            skipReason =
                String.format(
                    "table %s does not exist and contract '%s' has tables = '%s': the load reads"
                        + " and writes nothing",
                    target, validation.validator().contract().name(), tables.sqlName());
          }
        }
        tableSchema =
            ArrowSchemas.toIceberg(
                validation == null ? sourceSchema : validation.validator().tableSchema());
        if (load.disposition == SqlLoad.Disposition.MERGE) {
          // The merge keys become the new table's identifier fields (and NOT NULL).
          tableSchema =
              Tables.withIdentifierFields(tableSchema, mergeKeys(load, tableSchema, sourceName));
        }
        Partitioning.spec(tableSchema, partitioning);
      }
      Normalizer normalizer = Normalizer.plan(sourceSchema, tableSchema, target.toString());
      List<String> mergeKeys = List.of();
      MergeMode mergeMode = null;
      CompiledPredicate deleteWhen = null;
      String dedupColumn = null;
      if (load.disposition == SqlLoad.Disposition.MERGE) {
        mergeKeys = mergeKeys(load, tableSchema, sourceName);
        mergeMode =
            table == null
                ? MergeMode.forLoad(writeOptions)
                : MergeMode.forLoad(table, writeOptions);
        if (load.deleteWhen != null) {
          deleteWhen = PredicateCompiler.compile(load.deleteWhen, normalizer.outputSchema());
        }
        if (load.dedupBy != null) {
          String name = load.dedupBy.getSimple();
          dedupColumn =
              normalizer.mappings().stream()
                  .filter(each -> each.source().getName().equalsIgnoreCase(name))
                  .map(each -> each.output().getName())
                  .findFirst()
                  .orElseThrow(
                      () ->
                          Positions.userError(
                              load.dedupBy, "DEDUP BY column '%s' is not a column", name));
          org.apache.arrow.vector.types.pojo.Field dedupField =
              normalizer.outputSchema().findField(dedupColumn);
          if (!isScalar(dedupField.getType())
              || dedupField.getType() instanceof ArrowType.Binary
              || dedupField.getType() instanceof ArrowType.LargeBinary) {
            throw Positions.userError(
                load.dedupBy,
                "DEDUP BY column '%s' is of type %s, which has no order; use a number, date,"
                    + " timestamp, string or boolean column",
                name,
                dedupField.getType());
          }
        }
      } else if (load.dedupBy != null) {
        throw Positions.userError(load.dedupBy, "DEDUP BY needs WITH DISPOSITION MERGE");
      } else if (load.deleteWhen != null) {
        throw Positions.userError(load.deleteWhen, "DELETE WHEN needs WITH DISPOSITION MERGE");
      }
      CursorWindow cursor = cursorWindow(load, sourceName, normalizer, table);
      List<ColumnPredicate> predicates =
          cursor == null ? List.of() : predicates(cursor, normalizer);
      boolean cursorOnExtract =
          cursor != null && comparableAsExtracted(cursor, normalizer, extractSchema);
      ExtractRequest request =
          new ExtractRequest(object, List.of(), predicates, engine.config().batchRows())
              .withTextColumns(textColumns);
      List<Split> splits = connector.plan(request);
      return new LoadPlan(
          UUID.randomUUID().toString(),
          sourceName,
          extraction.type(),
          connector,
          request,
          splits,
          extractSchema,
          sourceSchema,
          target,
          !exists,
          tableSchema,
          partitioning,
          switch (load.disposition) {
            case APPEND -> LoadPlan.Disposition.APPEND;
            case REPLACE -> LoadPlan.Disposition.REPLACE;
            case MERGE -> LoadPlan.Disposition.MERGE;
          },
          normalizer,
          evolution,
          cursor,
          mergeKeys,
          mergeMode,
          dedupColumn,
          load.dedupDirection,
          deleteWhen,
          validation,
          cursorOnExtract,
          // One merge sink holds the load's key set; appends and replaces write in parallel.
          load.disposition == SqlLoad.Disposition.MERGE ? 1 : engine.config().loadThreads(),
          writeOptions,
          skipReason);
    } catch (RuntimeException e) {
      connector.close();
      throw e;
    }
  }

  /** The cursor window of an INCREMENTAL or BACKFILL load, or null. */
  private static CursorWindow cursorWindow(
      SqlLoad load, String sourceName, Normalizer normalizer, Table table) {
    if (load.incrementalColumn == null) {
      if (load.backfillFrom != null) {
        throw Positions.userError(
            load.backfillFrom, "BACKFILL needs INCREMENTAL ON <cursor column> to name the column");
      }
      return null;
    }
    String column = load.incrementalColumn.getSimple();
    Normalizer.ColumnMapping mapping =
        normalizer.mappings().stream()
            .filter(each -> each.source().getName().equalsIgnoreCase(column))
            .findFirst()
            .orElseThrow(
                () ->
                    Positions.userError(
                        load.incrementalColumn,
                        "the cursor column '%s' is not a column of source '%s'",
                        column,
                        sourceName));
    CursorType type;
    try {
      type = CursorType.of(mapping.output());
    } catch (TidewaterException e) {
      throw Positions.userError(load.incrementalColumn, "%s", e.getMessage());
    }
    Comparable<?> previous =
        table == null ? null : Cursors.last(table, sourceName).map(type::parse).orElse(null);
    if (load.backfillFrom != null) {
      Comparable<?> from = parse(type, load.backfillFrom);
      Comparable<?> to = parse(type, load.backfillTo);
      if (CursorType.compare(from, to) >= 0) {
        throw Positions.userError(load.backfillFrom, "BACKFILL FROM must be below TO");
      }
      return new CursorWindow(
          mapping.output().getName(), type, from, true, to, previous, CursorWindow.Movement.STAYS);
    }
    Comparable<?> lower;
    boolean inclusive;
    if (previous != null) {
      if (load.incrementalLag != null) {
        lower = type.minus(previous, Cursors.lag(load.incrementalLag, type));
        inclusive = true;
      } else {
        lower = previous;
        inclusive = false;
      }
    } else {
      lower = load.incrementalInitial == null ? null : parse(type, load.incrementalInitial);
      inclusive = true;
    }
    return new CursorWindow(
        mapping.output().getName(),
        type,
        lower,
        inclusive,
        null,
        previous,
        CursorWindow.Movement.MOVES);
  }

  private static Comparable<?> parse(CursorType type, SqlNode literal) {
    try {
      return type.parse(Cursors.literalText(literal));
    } catch (TidewaterException e) {
      if (e.position().isPresent()) {
        throw e;
      }
      throw Positions.userError(literal, "%s", e.getMessage());
    }
  }

  /** The window as predicates on the source's column, for sources that can filter. */
  private static List<ColumnPredicate> predicates(CursorWindow cursor, Normalizer normalizer) {
    String sourceColumn = normalizer.sourceColumn(cursor.column());
    List<ColumnPredicate> predicates = new ArrayList<>();
    if (cursor.lower() != null) {
      predicates.add(
          new ColumnPredicate(
              sourceColumn,
              cursor.lowerInclusive()
                  ? ColumnPredicate.Operator.GREATER_THAN_OR_EQUAL
                  : ColumnPredicate.Operator.GREATER_THAN,
              cursor.lower()));
    }
    if (cursor.upper() != null) {
      predicates.add(
          new ColumnPredicate(sourceColumn, ColumnPredicate.Operator.LESS_THAN, cursor.upper()));
    }
    return predicates;
  }

  /**
   * The columns a text source should deliver as text: those the contract types differently from the
   * discovered schema (scalars only), except the cursor column, which the cursor window compares as
   * extracted.
   */
  private static Set<String> textColumns(
      ContractDefinition contract, Schema discovered, SqlLoad load) {
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

  private static boolean isScalar(ArrowType type) {
    return !(type instanceof ArrowType.Struct
        || type instanceof ArrowType.List
        || type instanceof ArrowType.LargeList
        || type instanceof ArrowType.Map);
  }

  /** {@code schema} with the fields named in {@code textColumns} as nullable text. */
  private static Schema asText(Schema schema, Set<String> textColumns) {
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

  /**
   * Whether the cursor window can compare the cursor column as the readers deliver it: when its
   * extracted type is one a cursor can have (values are converted to the cursor's type).
   */
  private static boolean comparableAsExtracted(
      CursorWindow cursor, Normalizer normalizer, Schema extractSchema) {
    String sourceColumn = normalizer.sourceColumn(cursor.column());
    for (Field field : extractSchema.getFields()) {
      if (field.getName().equals(sourceColumn)) {
        try {
          CursorType.of(field);
          return true;
        } catch (TidewaterException e) {
          return false;
        }
      }
    }
    return false;
  }

  /** The contract stage of a LOAD ... USING CONTRACT, or null. */
  private LoadPlan.Validation validation(
      SqlLoad load, ContractDefinition contract, Schema extractSchema, TableName target) {
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
                  Set.copyOf(engine.catalogNames()));
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
    return new LoadPlan.Validation(validator, onError, limit, kind, quarantine);
  }

  /** The MERGE ON keys as the table's column names; each must be a column. */
  private static List<String> mergeKeys(
      SqlLoad load, org.apache.iceberg.Schema tableSchema, String sourceName) {
    List<String> keys = new ArrayList<>();
    for (SqlNode node : load.mergeKeys) {
      String name = ((SqlIdentifier) node).getSimple();
      var column = tableSchema.caseInsensitiveFindField(name);
      if (column == null) {
        throw Positions.userError(
            node, "merge key '%s' is not a column of source '%s'", name, sourceName);
      }
      keys.add(column.name());
    }
    return keys;
  }

  /** The branch of {@code AT BRANCH 'name'}, or null for main. */
  private static String branch(SqlLoad load) {
    if (load.branch == null) {
      return null;
    }
    String name = load.branch.getValueAs(String.class);
    if (name.isBlank()) {
      throw Positions.userError(load.branch, "AT BRANCH needs a branch name");
    }
    return name.equals("main") ? null : name;
  }

  private static void rejectUnsupported(SqlLoad load) {
    if (load.contract == null && load.onError != null && load.onError != SqlLoad.OnError.ABORT) {
      throw Positions.userError(load, "ON ERROR %s needs USING CONTRACT", load.onError);
    }
  }

  private static Map<String, String> writeOptions(SqlLoad load, Purpose purpose) {
    Map<String, String> options = new java.util.HashMap<>(SqlOptions.toMap(load.options));
    if (purpose == Purpose.VALIDATE) {
      options.remove(MAX_VIOLATIONS_OPTION);
    }
    for (String key : options.keySet()) {
      if (!WRITE_OPTIONS.contains(key)) {
        throw Positions.userError(
            load.options, "unknown LOAD option '%s' (known: %s)", key, WRITE_OPTIONS);
      }
    }
    return options;
  }

  private static List<PartitionTerm> partitioning(SqlLoad load) {
    List<PartitionTerm> terms = new ArrayList<>();
    if (load.partitionBy == null) {
      return terms;
    }
    for (SqlNode node : load.partitionBy) {
      if (node instanceof SqlIdentifier column) {
        terms.add(new PartitionTerm("identity", column.getSimple(), null));
      } else if (node instanceof SqlBasicCall call) {
        String transform = call.getOperator().getName().toLowerCase(Locale.ROOT);
        List<SqlNode> operands = call.getOperandList();
        if (operands.size() == 1 && operands.get(0) instanceof SqlIdentifier column) {
          terms.add(new PartitionTerm(transform, column.getSimple(), null));
        } else if (operands.size() == 2
            && operands.get(0) instanceof SqlLiteral width
            && operands.get(1) instanceof SqlIdentifier column) {
          terms.add(new PartitionTerm(transform, column.getSimple(), width.intValue(true)));
        } else {
          throw Positions.userError(node, "cannot partition by %s", node);
        }
      } else {
        throw Positions.userError(node, "cannot partition by %s", node);
      }
    }
    return terms;
  }
}
