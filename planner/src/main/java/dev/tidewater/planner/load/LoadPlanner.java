package dev.tidewater.planner.load;

import dev.tidewater.iceberg.ArrowSchemas;
import dev.tidewater.iceberg.Branches;
import dev.tidewater.iceberg.MergeMode;
import dev.tidewater.iceberg.PartitionTerm;
import dev.tidewater.iceberg.Partitioning;
import dev.tidewater.iceberg.Tables;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.Engine;
import dev.tidewater.planner.Positions;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.ContractDefinition;
import dev.tidewater.planner.contract.ContractStatements;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateCompiler;
import dev.tidewater.spi.ColumnPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.SourceObject;
import dev.tidewater.spi.Split;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * Compiles a LOAD statement into a {@link LoadPlan}, reading schemas but no data. It resolves the
 * source and target here; {@link ContractPlanning}, {@link CursorPlanning} and {@link LoadClauses}
 * plan the contract, the cursor window and the remaining clauses.
 */
public final class LoadPlanner {
  /** The option that sets the format version of a table the load creates. */
  public static final String FORMAT_VERSION_OPTION = "format_version";

  /** The option of VALIDATE LOAD that caps the violations it lists (default 1000). */
  public static final String MAX_VIOLATIONS_OPTION = "max_violations";

  /** What a plan is for: VALIDATE LOAD takes an option of its own. */
  public enum Purpose {
    LOAD,
    VALIDATE
  }

  private final Engine engine;

  public LoadPlanner(Engine engine) {
    this.engine = engine;
  }

  public LoadPlan plan(SqlLoad load, String defaultCatalog, String defaultNamespace) {
    return plan(load, defaultCatalog, defaultNamespace, Purpose.LOAD);
  }

  public LoadPlan plan(
      SqlLoad load, String defaultCatalog, String defaultNamespace, Purpose purpose) {
    LoadClauses.rejectUnsupported(load);
    LoadSources.Extraction extraction =
        new LoadSources(engine).extraction(load.source, defaultCatalog, defaultNamespace);
    try {
      return plan(load, extraction, defaultCatalog, defaultNamespace, purpose);
    } catch (RuntimeException e) {
      extraction.connector().close();
      throw e;
    }
  }

  /** The table a load writes to as planned: its schema, and what changes in the commit. */
  private record TargetTable(
      Table existing,
      org.apache.iceberg.Schema schema,
      SchemaEvolution evolution,
      String skipReason) {}

  /**
   * Plans a load whose extraction is given rather than resolved from {@code load.source}: what
   * {@link StreamIngest} reads from a client. Closes the extraction's connector when planning
   * fails.
   */
  LoadPlan plan(
      SqlLoad load,
      LoadSources.Extraction extraction,
      String defaultCatalog,
      String defaultNamespace) {
    LoadClauses.rejectUnsupported(load);
    try {
      return plan(load, extraction, defaultCatalog, defaultNamespace, Purpose.LOAD);
    } catch (RuntimeException e) {
      extraction.connector().close();
      throw e;
    }
  }

  private LoadPlan plan(
      SqlLoad load,
      LoadSources.Extraction extraction,
      String defaultCatalog,
      String defaultNamespace,
      Purpose purpose) {
    String sourceName = extraction.name();
    SourceObject object = extraction.object();
    Map<String, String> writeOptions = LoadClauses.writeOptions(load, purpose);
    Set<String> catalogNames = Set.copyOf(engine.catalogNames());
    TableName target =
        TableName.resolve(load.target.names, defaultCatalog, defaultNamespace, catalogNames);
    Catalog catalog = engine.catalogs().catalog(target.catalog());
    Connector connector = extraction.connector();
    Schema discovered = connector.discover(object);
    if (discovered.getFields().isEmpty()) {
      throw Positions.userError(load.source, "source '%s' has no columns", sourceName);
    }
    // A hidden column (a file's _file_modified) named as the cursor is extracted and loaded;
    // an extraction that names no columns reads the visible ones.
    Schema withHidden = CursorPlanning.withHiddenCursor(load, connector, object, discovered);
    List<String> extractColumns =
        withHidden == discovered
            ? List.of()
            : withHidden.getFields().stream().map(Field::getName).toList();
    discovered = withHidden;
    ContractDefinition contract =
        load.contract == null
            ? null
            : new ContractStatements(engine.metadata()).resolve(load.contract);
    // Text sources parse the columns whose contract type differs as text: the contract decides
    // what such a value may become, not the type inferred from a sample.
    Set<String> textColumns = ContractPlanning.textColumns(contract, discovered, load);
    Schema extractSchema = ContractPlanning.asText(discovered, textColumns);
    ContractPlanning.Stage validation =
        new ContractPlanning(catalogNames).stage(load, contract, extractSchema, target);
    // With a contract, the later stages see the validated rows: the contract's types.
    Schema sourceSchema =
        validation == null ? extractSchema : validation.validator().outputSchema();
    List<PartitionTerm> partitioning = LoadClauses.partitioning(load);
    String branch = LoadClauses.branch(load);
    TargetTable table =
        targetTable(
            load,
            catalog,
            target,
            branch,
            sourceName,
            validation,
            sourceSchema,
            partitioning,
            writeOptions);
    Normalizer normalizer = Normalizer.plan(sourceSchema, table.schema(), target.toString());
    LoadOperator.Merge merge = merge(load, table, normalizer, sourceName, writeOptions);
    String dedupColumn = null;
    if (load.dedupBy != null) {
      if (merge == null) {
        throw Positions.userError(load.dedupBy, "DEDUP BY needs WITH DISPOSITION MERGE");
      }
      dedupColumn = LoadClauses.dedupColumn(load, normalizer);
    }
    CursorWindow cursor =
        CursorPlanning.cursorWindow(load, sourceName, normalizer, table.existing());
    List<ColumnPredicate> predicates =
        cursor == null ? List.of() : CursorPlanning.predicates(cursor, normalizer);
    boolean cursorOnExtract =
        cursor != null && CursorPlanning.comparableAsExtracted(cursor, normalizer, extractSchema);
    ExtractRequest request =
        new ExtractRequest(object, extractColumns, predicates, engine.config().batchRows())
            .withTextColumns(textColumns);
    List<Split> splits = connector.plan(request);

    LoadOperator tree =
        new LoadOperator.Extract(
            sourceName, extraction.type(), connector, request, splits, extractSchema);
    if (cursorOnExtract) {
      tree = new LoadOperator.Window(tree, cursor);
    }
    if (validation != null) {
      tree = validation.over(tree);
    }
    tree = new LoadOperator.Normalize(tree, normalizer, sourceSchema);
    if (cursor != null && !cursorOnExtract) {
      tree = new LoadOperator.Window(tree, cursor);
    }
    if (dedupColumn != null) {
      tree = new LoadOperator.Dedup(tree, dedupColumn, load.dedupDirection);
    }
    LoadOperator.Write write =
        new LoadOperator.Write(
            tree,
            // One merge sink holds the load's key set; appends and replaces write in parallel.
            merge != null ? 1 : engine.config().loadThreads(),
            writeOptions,
            partitioning);
    LoadOperator.Commit commit =
        new LoadOperator.Commit(
            write,
            target,
            switch (load.disposition) {
              case APPEND -> LoadPlan.Disposition.APPEND;
              case REPLACE -> LoadPlan.Disposition.REPLACE;
              case MERGE -> LoadPlan.Disposition.MERGE;
            },
            table.existing() == null,
            table.schema(),
            table.evolution(),
            merge,
            branch);
    return new LoadPlan(UUID.randomUUID().toString(), commit, table.skipReason());
  }

  /**
   * The target as planned: an existing table (at its branch) with the schema evolution the source
   * needs, or the schema of the table the load creates.
   */
  private static TargetTable targetTable(
      SqlLoad load,
      Catalog catalog,
      TableName target,
      String branch,
      String sourceName,
      ContractPlanning.Stage validation,
      Schema sourceSchema,
      List<PartitionTerm> partitioning,
      Map<String, String> writeOptions) {
    boolean exists = catalog.tableExists(target.identifier());
    if (branch != null && !exists) {
      throw Positions.userError(
          load.branch,
          "AT BRANCH '%s': table %s does not exist; a branch starts from the table's main,"
              + " so create the table first (a LOAD without AT BRANCH)",
          branch,
          target);
    }
    if (exists) {
      if (writeOptions.containsKey(FORMAT_VERSION_OPTION)) {
        throw Positions.userError(
            load.options,
            "option '%s' applies when the load creates the table; %s exists",
            FORMAT_VERSION_OPTION,
            target);
      }
      // At a branch, the cursor and the rows a MERGE replaces are the branch's.
      Table table = Branches.view(catalog.loadTable(target.identifier()), branch);
      SchemaEvolution evolution = SchemaEvolution.plan(sourceSchema, table.schema());
      org.apache.iceberg.Schema tableSchema = evolution.apply(table);
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
      return new TargetTable(table, tableSchema, evolution, null);
    }
    String skipReason = ContractPlanning.checkNewTable(load, validation, target);
    org.apache.iceberg.Schema tableSchema =
        ArrowSchemas.toIceberg(
            validation == null ? sourceSchema : validation.validator().tableSchema());
    if (load.disposition == SqlLoad.Disposition.MERGE) {
      // The merge keys become the new table's identifier fields (and NOT NULL).
      tableSchema =
          Tables.withIdentifierFields(
              tableSchema, LoadClauses.mergeKeys(load, tableSchema, sourceName));
    }
    Partitioning.spec(tableSchema, partitioning);
    return new TargetTable(
        null, tableSchema, new SchemaEvolution(List.of(), List.of()), skipReason);
  }

  /** What a MERGE commits by, or null for the other dispositions. */
  private static LoadOperator.Merge merge(
      SqlLoad load,
      TargetTable table,
      Normalizer normalizer,
      String sourceName,
      Map<String, String> writeOptions) {
    if (load.disposition != SqlLoad.Disposition.MERGE) {
      if (load.dedupBy != null) {
        throw Positions.userError(load.dedupBy, "DEDUP BY needs WITH DISPOSITION MERGE");
      }
      if (load.deleteWhen != null) {
        throw Positions.userError(load.deleteWhen, "DELETE WHEN needs WITH DISPOSITION MERGE");
      }
      return null;
    }
    List<String> keys = LoadClauses.mergeKeys(load, table.schema(), sourceName);
    MergeMode mode =
        table.existing() == null
            ? MergeMode.forLoad(writeOptions)
            : MergeMode.forLoad(table.existing(), writeOptions);
    CompiledPredicate deleteWhen =
        load.deleteWhen == null
            ? null
            : PredicateCompiler.compile(load.deleteWhen, normalizer.outputSchema());
    return new LoadOperator.Merge(keys, mode, deleteWhen);
  }
}
