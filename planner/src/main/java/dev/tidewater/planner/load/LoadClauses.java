package dev.tidewater.planner.load;

import dev.tidewater.iceberg.MergeMode;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.ParquetBatchSink;
import dev.tidewater.iceberg.PartitionTerm;
import dev.tidewater.parser.ast.SqlLoad;
import dev.tidewater.parser.ast.SqlOptions;
import dev.tidewater.planner.Positions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;

/** The clauses of a LOAD statement checked and read into plan values: options, keys, branch. */
final class LoadClauses {
  static final Set<String> WRITE_OPTIONS =
      Set.of(
          "target_file_size",
          ParquetBatchSink.DICTIONARY_OPTION,
          LoadPlanner.FORMAT_VERSION_OPTION,
          MergeMode.OPTION,
          MergeSink.KEY_MEMORY_OPTION,
          MergeSink.SPILL_DIRECTORY_OPTION,
          MergeSink.THREADS_OPTION,
          "write.merge.isolation-level");

  private LoadClauses() {}

  /** The table column DEDUP BY names (as normalized); it must have an order. */
  static String dedupColumn(SqlLoad load, Normalizer normalizer) {
    String name = load.dedupBy.getSimple();
    String column =
        normalizer.mappings().stream()
            .filter(each -> each.source().getName().equalsIgnoreCase(name))
            .map(each -> each.output().getName())
            .findFirst()
            .orElseThrow(
                () ->
                    Positions.userError(
                        load.dedupBy, "DEDUP BY column '%s' is not a column", name));
    Field field = normalizer.outputSchema().findField(column);
    if (!ContractPlanning.isScalar(field.getType())
        || field.getType() instanceof ArrowType.Binary
        || field.getType() instanceof ArrowType.LargeBinary) {
      throw Positions.userError(
          load.dedupBy,
          "DEDUP BY column '%s' is of type %s, which has no order; use a number, date,"
              + " timestamp, string or boolean column",
          name,
          field.getType());
    }
    return column;
  }

  /** The MERGE ON keys as the table's column names; each must be a column. */
  static List<String> mergeKeys(
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
  static String branch(SqlLoad load) {
    if (load.branch == null) {
      return null;
    }
    String name = load.branch.getValueAs(String.class);
    if (name.isBlank()) {
      throw Positions.userError(load.branch, "AT BRANCH needs a branch name");
    }
    return name.equals("main") ? null : name;
  }

  static void rejectUnsupported(SqlLoad load) {
    if (load.contract == null && load.onError != null && load.onError != SqlLoad.OnError.ABORT) {
      throw Positions.userError(load, "ON ERROR %s needs USING CONTRACT", load.onError);
    }
  }

  static Map<String, String> writeOptions(SqlLoad load, LoadPlanner.Purpose purpose) {
    Map<String, String> options = new java.util.HashMap<>(SqlOptions.toMap(load.options));
    if (purpose == LoadPlanner.Purpose.VALIDATE) {
      options.remove(LoadPlanner.MAX_VIOLATIONS_OPTION);
    }
    for (String key : options.keySet()) {
      if (!WRITE_OPTIONS.contains(key)) {
        throw Positions.userError(
            load.options, "unknown LOAD option '%s' (known: %s)", key, WRITE_OPTIONS);
      }
    }
    return options;
  }

  static List<PartitionTerm> partitioning(SqlLoad load) {
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
