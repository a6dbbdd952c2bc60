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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A compiled LOAD: extract (connector splits) -> cursor window -> validate (contract) -> normalize
 * -> dedup -> write (Parquet) -> commit (one Iceberg snapshot). Printable by EXPLAIN LOAD without
 * reading data. Owns the open connector.
 *
 * <p>{@code extractSchema} is what the readers deliver (the discovered schema, with the columns the
 * request asks as text in {@code Utf8}); {@code sourceSchema} is what normalize takes (the
 * validated rows when there is a contract). {@code cursorOnExtract}: the cursor window applies to
 * the extracted rows, before validation, because the cursor column can be compared as extracted;
 * else after normalize. {@code skipReason}: the load reads and writes nothing, for this reason (a
 * contract's {@code tables} mode discards loads into new tables).
 */
public record LoadPlan(
    String loadId,
    String sourceName,
    String sourceType,
    Connector connector,
    ExtractRequest request,
    List<Split> splits,
    Schema extractSchema,
    Schema sourceSchema,
    TableName target,
    boolean createsTable,
    org.apache.iceberg.Schema tableSchema,
    List<PartitionTerm> partitioning,
    Disposition disposition,
    Normalizer normalizer,
    SchemaEvolution evolution,
    CursorWindow cursor,
    List<String> mergeKeys,
    MergeMode mergeMode,
    String dedupColumn,
    SqlLoad.SortDirection dedupDirection,
    CompiledPredicate deleteWhen,
    Validation validation,
    boolean cursorOnExtract,
    int writers,
    Map<String, String> writeOptions,
    String skipReason)
    implements AutoCloseable {

  /**
   * The contract stage: the validator, what to do with violating rows, the error limit (a count, or
   * a percentage of rows read when {@code limitPercent}), and the quarantine table.
   */
  public record Validation(
      ContractValidator validator,
      SqlLoad.OnError onError,
      Double errorLimit,
      ErrorLimitKind limitKind,
      TableName quarantine) {}

  /** How an ERROR LIMIT counts. */
  public enum ErrorLimitKind {
    ROWS,
    PERCENT
  }

  /** The write dispositions this build can execute. */
  public enum Disposition {
    APPEND,
    REPLACE,
    MERGE
  }

  /**
   * The write option that carries {@code AT BRANCH 'name'} (set by the planner only, never by a
   * {@code WITH} list): the branch the load reads its cursor from and commits to.
   */
  public static final String BRANCH_OPTION = "tidewater.branch";

  /** The branch of {@code AT BRANCH}, or null for the table's main branch. */
  public String branch() {
    return writeOptions.get(BRANCH_OPTION);
  }

  public LoadPlan {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(sourceName, "sourceName is null");
    requireNonNull(connector, "connector is null");
    splits = List.copyOf(splits);
    partitioning = List.copyOf(partitioning);
    mergeKeys = List.copyOf(mergeKeys);
    writeOptions = Map.copyOf(writeOptions);
  }

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

  /** The operator tree as EXPLAIN LOAD prints it, one line a row. */
  public List<String> explain() {
    List<String> lines = new ArrayList<>();
    lines.add("Load " + loadId + " into " + target + " (" + disposition + ")");
    if (skipReason != null) {
      lines.add("  Skip: " + skipReason);
      return lines;
    }
    lines.add(
        "  Commit: "
            + switch (disposition) {
              case APPEND -> "append files";
              case REPLACE -> "replace all rows";
              case MERGE ->
                  "merge on ("
                      + String.join(", ", mergeKeys)
                      + ") — "
                      + mergeMode.optionValue()
                      + (dedupColumn == null
                          ? ""
                          : ", dedup by "
                              + dedupColumn
                              + " "
                              + dedupDirection
                              + " (validated rows spilled to local disk, then one winner per key)")
                      + (deleteWhen == null ? "" : ", delete when " + deleteWhen.text());
            }
            + ", one Iceberg snapshot"
            + (createsTable ? "; creates the table in the same commit" : ""));
    lines.add(
        "    Write: Parquet (zstd), "
            + writers
            + " writer(s)"
            + (writeOptions.isEmpty() ? "" : ", options " + writeOptions)
            + (partitioning.isEmpty()
                ? ""
                : ", partitioned by "
                    + partitioning.stream()
                        .map(LoadPlan::describe)
                        .collect(Collectors.joining(", "))));
    if (!evolution.isEmpty()) {
      lines.add("    Evolve schema (same commit): " + String.join("; ", evolution.describe()));
    }
    if (cursor != null && !cursorOnExtract) {
      lines.add("      Cursor (after normalize): " + cursor.describe());
    }
    if (validation != null) {
      lines.add(
          "      Validate: contract '"
              + validation.validator().contract().name()
              + "' v"
              + validation.validator().contract().version()
              + ", ON ERROR "
              + validation.onError()
              + (validation.quarantine() == null ? "" : " INTO " + validation.quarantine())
              + (validation.errorLimit() == null
                  ? ""
                  : ", ERROR LIMIT "
                      + validation.errorLimit()
                      + (validation.limitKind() == ErrorLimitKind.PERCENT ? " PERCENT" : "")));
      for (String rule : validation.validator().describe()) {
        lines.add("        " + rule);
      }
    }
    lines.add("      Normalize: " + normalizer.mappings().size() + " column(s)");
    for (Normalizer.ColumnMapping mapping : normalizer.mappings()) {
      lines.add("        " + mapping.describe());
    }
    if (cursor != null && cursorOnExtract) {
      lines.add("        Cursor: " + cursor.describe());
    }
    if (!request.textColumns().isEmpty()) {
      lines.add(
          "        Read as text for the contract's types: "
              + String.join(", ", new java.util.TreeSet<>(request.textColumns())));
    }
    lines.add(
        "        Extract: "
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
    for (String line : connector.explain(request, splits)) {
      lines.add("          " + line);
    }
    int shown = 0;
    for (Split split : splits) {
      if (shown++ == 20) {
        lines.add("          ... " + (splits.size() - 20) + " more split(s)");
        break;
      }
      lines.add("          split " + split.description());
    }
    return lines;
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

  @Override
  public void close() {
    connector.close();
  }
}
