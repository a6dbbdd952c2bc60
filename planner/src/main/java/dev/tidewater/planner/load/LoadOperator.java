package dev.tidewater.planner.load;

import static java.util.Objects.requireNonNull;

import dev.tidewater.iceberg.MergeMode;
import dev.tidewater.iceberg.PartitionTerm;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.planner.TableName;
import dev.tidewater.planner.contract.ContractValidator;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.spi.Connector;
import dev.tidewater.spi.ExtractRequest;
import dev.tidewater.spi.Split;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One operator of a {@link LoadPlan}: each but {@link Extract} takes the rows of its {@code input}.
 * A load's tree reads, from the root: commit -> write -> [dedup] -> [window] -> normalize ->
 * [validate] -> [window] -> extract; the cursor window sits on the extracted rows when the cursor
 * column can be compared as extracted, else on the normalized rows.
 */
public sealed interface LoadOperator {
  /** The operator this one takes its rows from, or null for the leaf. */
  LoadOperator input();

  /** The lines EXPLAIN LOAD prints for this operator alone (the first names it). */
  List<String> describe();

  /** The extract stage: a connector's splits, read in batches of {@code schema}. */
  record Extract(
      String sourceName,
      String sourceType,
      Connector connector,
      ExtractRequest request,
      List<Split> splits,
      Schema schema)
      implements LoadOperator {
    private static final int SPLITS_SHOWN = 20;

    public Extract {
      requireNonNull(sourceName, "sourceName is null");
      requireNonNull(connector, "connector is null");
      requireNonNull(request, "request is null");
      splits = List.copyOf(splits);
    }

    @Override
    public LoadOperator input() {
      return null;
    }

    /** The bytes of all splits, or -1 when one does not know its size. */
    public long estimatedBytes() {
      long total = 0;
      for (Split split : splits) {
        if (split.estimatedBytes() < 0) {
          return -1;
        }
        total += split.estimatedBytes();
      }
      return total;
    }

    @Override
    public List<String> describe() {
      List<String> lines = new java.util.ArrayList<>();
      lines.add(
          "Extract: "
              + sourceType
              + " source '"
              + sourceName
              + "', "
              + splits.size()
              + " split(s)"
              + (estimatedBytes() >= 0 ? ", " + estimatedBytes() + " bytes" : "")
              + ", batches of "
              + request.batchRows()
              + " rows");
      if (!request.textColumns().isEmpty()) {
        lines.add(
            "  Read as text for the contract's types: "
                + String.join(", ", new TreeSet<>(request.textColumns())));
      }
      for (String line : connector.explain(request, splits)) {
        lines.add("  " + line);
      }
      int shown = 0;
      for (Split split : splits) {
        if (shown++ == SPLITS_SHOWN) {
          lines.add("  ... " + (splits.size() - SPLITS_SHOWN) + " more split(s)");
          break;
        }
        lines.add("  split " + split.description());
      }
      return lines;
    }
  }

  /**
   * The cursor window of INCREMENTAL / BACKFILL: keeps the rows inside it and tracks the highest
   * cursor value. On {@link Extract} it compares the source column as extracted.
   */
  record Window(LoadOperator input, CursorWindow cursor) implements LoadOperator {
    public Window {
      requireNonNull(input, "input is null");
      requireNonNull(cursor, "cursor is null");
    }

    /** Whether the window compares the rows as extracted (before validate and normalize). */
    public boolean onExtract() {
      return input instanceof Extract;
    }

    @Override
    public List<String> describe() {
      return List.of((onExtract() ? "Cursor: " : "Cursor (after normalize): ") + cursor.describe());
    }
  }

  /**
   * The contract stage: the validator, what to do with violating rows, the error limit (a count, or
   * a percentage of rows read when {@code limitKind} is PERCENT), and the quarantine table.
   */
  record Validate(
      LoadOperator input,
      ContractValidator validator,
      SqlLoad.OnError onError,
      Double errorLimit,
      LoadPlan.ErrorLimitKind limitKind,
      TableName quarantine)
      implements LoadOperator {
    public Validate {
      requireNonNull(input, "input is null");
      requireNonNull(validator, "validator is null");
      requireNonNull(onError, "onError is null");
    }

    @Override
    public List<String> describe() {
      List<String> lines = new java.util.ArrayList<>();
      lines.add(
          "Validate: contract '"
              + validator.contract().name()
              + "' v"
              + validator.contract().version()
              + ", ON ERROR "
              + onError
              + (quarantine == null ? "" : " INTO " + quarantine)
              + (errorLimit == null
                  ? ""
                  : ", ERROR LIMIT "
                      + errorLimit
                      + (limitKind == LoadPlan.ErrorLimitKind.PERCENT ? " PERCENT" : "")));
      for (String rule : validator.describe()) {
        lines.add("  " + rule);
      }
      return lines;
    }
  }

  /** The normalize stage: source columns to the table's names and types. */
  record Normalize(LoadOperator input, Normalizer normalizer, Schema sourceSchema)
      implements LoadOperator {
    public Normalize {
      requireNonNull(input, "input is null");
      requireNonNull(normalizer, "normalizer is null");
      requireNonNull(sourceSchema, "sourceSchema is null");
    }

    @Override
    public List<String> describe() {
      List<String> lines = new java.util.ArrayList<>();
      lines.add("Normalize: " + normalizer.mappings().size() + " column(s)");
      for (Normalizer.ColumnMapping mapping : normalizer.mappings()) {
        lines.add("  " + mapping.describe());
      }
      return lines;
    }
  }

  /** DEDUP BY: normalized rows spilled to local disk, then one winner per merge key. */
  record Dedup(LoadOperator input, String column, SqlLoad.SortDirection direction)
      implements LoadOperator {
    public Dedup {
      requireNonNull(input, "input is null");
      requireNonNull(column, "column is null");
    }

    @Override
    public List<String> describe() {
      return List.of(
          "Dedup: one row per merge key, the "
              + (direction == SqlLoad.SortDirection.ASC ? "lowest" : "highest")
              + " "
              + column
              + " wins (rows spilled to local disk)");
    }
  }

  /** The write stage: Parquet files from {@code writers} sinks. */
  record Write(
      LoadOperator input,
      int writers,
      Map<String, String> options,
      List<PartitionTerm> partitioning)
      implements LoadOperator {
    public Write {
      requireNonNull(input, "input is null");
      options = Map.copyOf(options);
      partitioning = List.copyOf(partitioning);
    }

    @Override
    public List<String> describe() {
      return List.of(
          "Write: Parquet (zstd), "
              + writers
              + " writer(s)"
              + (options.isEmpty() ? "" : ", options " + options)
              + (partitioning.isEmpty()
                  ? ""
                  : ", partitioned by "
                      + partitioning.stream()
                          .map(Write::describe)
                          .collect(Collectors.joining(", "))));
    }

    private static String describe(PartitionTerm term) {
      if ("identity".equals(term.transform())) {
        return term.column();
      }
      return term.transform()
          + "("
          + (term.argument() == null ? "" : term.argument() + ", ")
          + term.column()
          + ")";
    }
  }

  /** What a MERGE commits by: the keys, the mode, and DELETE WHEN (or null). */
  record Merge(List<String> keys, MergeMode mode, CompiledPredicate deleteWhen) {
    public Merge {
      keys = List.copyOf(keys);
      requireNonNull(mode, "mode is null");
    }
  }

  /**
   * The commit stage: one Iceberg snapshot of {@code target} (creating it when {@code
   * createsTable}, evolving its schema first when {@code evolution} says so). {@code merge} is set
   * for the MERGE disposition only; {@code branch} is null for the table's main branch.
   */
  record Commit(
      Write input,
      TableName target,
      LoadPlan.Disposition disposition,
      boolean createsTable,
      org.apache.iceberg.Schema tableSchema,
      SchemaEvolution evolution,
      Merge merge,
      String branch)
      implements LoadOperator {
    public Commit {
      requireNonNull(input, "input is null");
      requireNonNull(target, "target is null");
      requireNonNull(disposition, "disposition is null");
      requireNonNull(evolution, "evolution is null");
      if ((disposition == LoadPlan.Disposition.MERGE) != (merge != null)) {
        throw new IllegalArgumentException("merge is set for the MERGE disposition only");
      }
    }

    /** The DELETE WHEN of a MERGE, or null. */
    public CompiledPredicate deleteWhen() {
      return merge == null ? null : merge.deleteWhen();
    }

    @Override
    public List<String> describe() {
      List<String> lines = new java.util.ArrayList<>();
      lines.add(
          "Commit: "
              + switch (disposition) {
                case APPEND -> "append files";
                case REPLACE -> "replace all rows";
                case MERGE ->
                    "merge on ("
                        + String.join(", ", merge.keys())
                        + ") — "
                        + merge.mode().optionValue()
                        + (merge.deleteWhen() == null
                            ? ""
                            : ", delete when " + merge.deleteWhen().text());
              }
              + ", one Iceberg snapshot"
              + (createsTable ? "; creates the table in the same commit" : "")
              + (branch == null ? "" : "; at branch '" + branch + "'"));
      if (!evolution.isEmpty()) {
        lines.add("  Evolve schema (same commit): " + String.join("; ", evolution.describe()));
      }
      return lines;
    }
  }
}
