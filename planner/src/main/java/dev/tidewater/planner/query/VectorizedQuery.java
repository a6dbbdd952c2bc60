package dev.tidewater.planner.query;

import dev.tidewater.iceberg.DictionaryBatchReader;
import dev.tidewater.iceberg.IcebergBatchScan;
import dev.tidewater.iceberg.IcebergScans;
import dev.tidewater.iceberg.ScanCounters;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.spi.BatchReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.iceberg.expressions.Expression;

/**
 * A query that runs over the Arrow batches of an Iceberg scan: the filter is evaluated by the
 * vectorized predicate compiler, a GROUP BY by {@link GroupTable} and {@link Accumulators}, and a
 * projection moves or converts whole columns. A {@code count(*)} without filter over files without
 * deletes answers from the manifests' record counts. Made by {@link VectorizedPlanner}.
 */
final class VectorizedQuery {
  /** Raised before any row is answered when only Calcite's plan gives the exact answer. */
  static final class Fallback extends RuntimeException {
    Fallback(String reason) {
      super(reason, null, false, false);
    }
  }

  /** One aggregate call: its function, argument column (-1: none) and FILTER predicate (-1). */
  record Call(
      SqlKind kind, int column, int predicate, SqlTypeName resultType, ArrowType argument) {}

  /**
   * The GROUP BY: key columns, calls, FILTER predicates, the sorts and projects above, and whether
   * the one key (a string column read for nothing else) is read as dictionary ids.
   */
  record Aggregation(
      List<Integer> keys,
      List<Call> calls,
      List<CompiledPredicate> predicates,
      List<RelNode> above,
      boolean dictionaryKey) {}

  private final IcebergQueryTable table;
  private final List<Integer> columns;
  private final CompiledPredicate filter;
  private final RexNode condition;
  private final Aggregation aggregation;
  private final List<Integer> outputs;
  private final long offset;
  private final long fetch;
  private final Schema schema;

  VectorizedQuery(
      IcebergQueryTable table,
      List<Integer> columns,
      CompiledPredicate filter,
      RexNode condition,
      Aggregation aggregation,
      List<Integer> outputs,
      long offset,
      long fetch,
      Schema schema) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.filter = filter;
    this.condition = condition;
    this.aggregation = aggregation;
    this.outputs = outputs == null ? null : List.copyOf(outputs);
    this.offset = offset;
    this.fetch = fetch;
    this.schema = schema;
  }

  /** The result's schema, as Calcite's JDBC path makes it. */
  Schema schema() {
    return schema;
  }

  /**
   * Runs the query; the reader's batches are allocated from {@code allocator}.
   *
   * @throws Fallback when Calcite's plan must run it after all (nothing was answered yet)
   */
  BatchReader execute(BufferAllocator allocator) {
    List<String> names = new ArrayList<>();
    for (int column : columns) {
      names.add(table.arrowSchema().getFields().get(column).getName());
    }
    Expression pushed =
        FilterTranslator.translate(
            condition == null ? List.of() : List.of(condition), table.icebergSchema());
    IcebergBatchScan scan = IcebergBatchScan.plan(table.table(), table.snapshotId(), names, pushed);
    if (!scan.vectorized()) {
      throw new Fallback("the table has files only the generic reader reads");
    }
    if (aggregation != null && countOnly()) {
      OptionalLong rows = scan.rowCountFromStatistics();
      if (rows.isPresent()) {
        table
            .metrics()
            .record(new ScanMetrics.Read(table.table().name(), 0, 0, 0, 0, rows.getAsLong(), 0));
        List<Object[]> result = new ArrayList<>();
        Object[] row = new Object[aggregation.calls().size()];
        java.util.Arrays.fill(row, rows.getAsLong());
        result.add(row);
        return rowsReader(allocator, above(result));
      }
    }
    ScanCounters counters = new ScanCounters();
    // an aggregate takes the batches in the order they are read; a stream keeps the file order
    Set<Integer> encoded =
        aggregation != null && aggregation.dictionaryKey()
            ? Set.of(batchIndex(aggregation.keys().get(0)))
            : Set.of();
    DictionaryBatchReader batches =
        scan.open(
            allocator,
            table.batchRows(),
            IcebergScans.PARALLELISM,
            counters,
            aggregation == null,
            encoded);
    Runnable report =
        () -> {
          ScanCounters.Totals totals = counters.totals();
          table
              .metrics()
              .record(
                  new ScanMetrics.Read(
                      table.table().name(),
                      totals.files(),
                      totals.rowGroupsRead(),
                      totals.rowGroupsSkipped(),
                      totals.bytesRead(),
                      totals.rowsRead(),
                      totals.rowsDeleted()));
        };
    if (aggregation == null) {
      return new StreamingReader(batches, report, allocator);
    }
    try (batches) {
      List<Object[]> rows = aggregate(batches);
      report.run();
      return rowsReader(allocator, above(rows));
    } catch (GroupTable.TooManyGroups | Accumulators.OutOfRange e) {
      throw new Fallback(e.getMessage());
    }
  }

  private boolean countOnly() {
    return filter == null
        && aggregation.keys().isEmpty()
        && aggregation.calls().stream()
            .allMatch(
                call -> call.kind() == SqlKind.COUNT && call.column() < 0 && call.predicate() < 0);
  }

  /** The position of each table column in the scanned batches. */
  private int batchIndex(int column) {
    return columns.indexOf(column);
  }

  private List<Object[]> aggregate(DictionaryBatchReader batches) {
    int[] keys = aggregation.keys().stream().mapToInt(this::batchIndex).toArray();
    GroupTable groups = new GroupTable(keys, VectorizedPlanner.MAX_GROUPS);
    DictionaryGroups dictionaryGroups =
        aggregation.dictionaryKey() ? new DictionaryGroups(groups) : null;
    List<PredicateResult> predicateResults = new ArrayList<>();
    for (int i = 0; i < aggregation.predicates().size(); i++) {
      predicateResults.add(new PredicateResult());
    }
    List<Accumulators.Accumulator> accumulators = new ArrayList<>();
    for (Call call : aggregation.calls()) {
      accumulators.add(
          Accumulators.create(
              call.kind(),
              call.argument(),
              call.resultType(),
              call.column() < 0 ? -1 : batchIndex(call.column()),
              call.predicate() < 0 ? null : predicateResults.get(call.predicate())));
    }
    if (keys.length == 0) {
      groups.assign(new FieldVector[0], new int[0], 0, new int[0]);
    }
    PredicateResult filtered = new PredicateResult();
    int[] rows = new int[0];
    int[] groupOfRow = new int[0];
    while (batches.next()) {
      VectorSchemaRoot batch = batches.root();
      int count = batch.getRowCount();
      if (rows.length < count) {
        rows = new int[count];
        groupOfRow = new int[count];
      }
      int selected = select(batch, filtered, rows);
      if (selected == 0) {
        continue;
      }
      for (int i = 0; i < aggregation.predicates().size(); i++) {
        evaluate(aggregation.predicates().get(i), batch, predicateResults.get(i));
      }
      FieldVector[] vectors = batch.getFieldVectors().toArray(new FieldVector[0]);
      if (dictionaryGroups != null) {
        dictionaryGroups.assign(
            (IntVector) vectors[keys[0]], batches.dictionary(keys[0]), rows, selected, groupOfRow);
      } else {
        groups.assign(vectors, rows, selected, groupOfRow);
      }
      for (Accumulators.Accumulator accumulator : accumulators) {
        accumulator.add(vectors, rows, groupOfRow, selected, groups.size());
      }
    }
    List<Object[]> result = new ArrayList<>();
    for (int group = 0; group < groups.size(); group++) {
      Object[] key = groups.key(group);
      Object[] row = new Object[key.length + accumulators.size()];
      System.arraycopy(key, 0, row, 0, key.length);
      for (int i = 0; i < accumulators.size(); i++) {
        accumulators.get(i).grow(groups.size());
        row[key.length + i] = accumulators.get(i).result(group);
      }
      result.add(row);
    }
    return result;
  }

  /** The rows of the batch the filter keeps, into {@code rows}; answers their number. */
  private int select(VectorSchemaRoot batch, PredicateResult result, int[] rows) {
    int count = batch.getRowCount();
    if (filter == null) {
      for (int i = 0; i < count; i++) {
        rows[i] = i;
      }
      return count;
    }
    evaluate(filter, batch, result);
    int selected = 0;
    for (int row = result.nextTrue(0); row >= 0; row = result.nextTrue(row + 1)) {
      rows[selected++] = row;
    }
    return selected;
  }

  private static void evaluate(
      CompiledPredicate predicate, VectorSchemaRoot batch, PredicateResult result) {
    try {
      predicate.evaluate(batch, result);
    } catch (UnsupportedOperationException e) {
      throw new Fallback(e.getMessage());
    }
  }

  /** Applies the sorts and column projections above the aggregate to its rows, bottom up. */
  private List<Object[]> above(List<Object[]> rows) {
    List<Object[]> current = rows;
    List<RelNode> above = aggregation.above();
    for (int i = above.size() - 1; i >= 0; i--) {
      RelNode node = above.get(i);
      if (node instanceof Project project) {
        List<Object[]> projected = new ArrayList<>(current.size());
        for (Object[] row : current) {
          Object[] out = new Object[project.getProjects().size()];
          for (int c = 0; c < out.length; c++) {
            out[c] = row[((RexInputRef) project.getProjects().get(c)).getIndex()];
          }
          projected.add(out);
        }
        current = projected;
      } else {
        current = sort((Sort) node, current);
      }
    }
    return current;
  }

  private static List<Object[]> sort(Sort sort, List<Object[]> rows) {
    List<Object[]> sorted = new ArrayList<>(rows);
    Comparator<Object[]> order = null;
    for (RelFieldCollation collation : sort.getCollation().getFieldCollations()) {
      int index = collation.getFieldIndex();
      boolean descending = collation.direction.isDescending();
      RelFieldCollation.NullDirection nulls = collation.nullDirection;
      if (nulls == RelFieldCollation.NullDirection.UNSPECIFIED) {
        nulls = collation.direction.defaultNullDirection();
      }
      boolean nullsFirst = nulls == RelFieldCollation.NullDirection.FIRST;
      Comparator<Object[]> field =
          (a, b) -> {
            Object x = a[index];
            Object y = b[index];
            if (x == null || y == null) {
              return x == y ? 0 : (x == null) == nullsFirst ? -1 : 1;
            }
            @SuppressWarnings("unchecked")
            int compared = ((Comparable<Object>) x).compareTo(y);
            return descending ? -compared : compared;
          };
      order = order == null ? field : order.thenComparing(field);
    }
    if (order != null) {
      sorted.sort(order);
    }
    int from = sort.offset == null ? 0 : ((RexLiteral) sort.offset).getValueAs(Integer.class);
    int to =
        sort.fetch == null
            ? sorted.size()
            : (int)
                Math.min(
                    sorted.size(), (long) from + ((RexLiteral) sort.fetch).getValueAs(Long.class));
    return from >= to ? List.of() : sorted.subList(from, to);
  }

  /** One batch of rows in Calcite's representation. */
  private BatchReader rowsReader(BufferAllocator allocator, List<Object[]> rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      root.allocateNew();
      for (int r = 0; r < rows.size(); r++) {
        for (int c = 0; c < schema.getFields().size(); c++) {
          ResultColumns.set(root.getVector(c), r, rows.get(r)[c]);
        }
      }
      root.setRowCount(rows.size());
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
    return new BatchReader() {
      private boolean done = rows.isEmpty();

      @Override
      public Schema schema() {
        return schema;
      }

      @Override
      public boolean next() {
        if (done) {
          return false;
        }
        done = true;
        return true;
      }

      @Override
      public VectorSchemaRoot root() {
        return root;
      }

      @Override
      public String position(int rowIndex) {
        return "result row " + (rowIndex + 1);
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      public void close() {
        root.close();
      }
    };
  }

  /** Streams the filtered, projected batches of the scan. */
  private final class StreamingReader implements BatchReader {
    private final BatchReader batches;
    private final Runnable report;
    private final VectorSchemaRoot root;
    private final PredicateResult filtered = new PredicateResult();
    private final boolean[] movable;
    private int[] rows = new int[0];
    private long skipped;
    private long answered;
    private long rowsBefore;

    StreamingReader(BatchReader batches, Runnable report, BufferAllocator allocator) {
      this.batches = batches;
      this.report = report;
      this.root = VectorSchemaRoot.create(schema, allocator);
      // A column moves when it is the only output of its scanned column and keeps its type (a
      // timestamp becomes milliseconds, so it is converted; the others of SELECT * still move).
      this.movable = new boolean[outputs.size()];
      for (int i = 0; i < outputs.size(); i++) {
        int column = outputs.get(i);
        movable[i] =
            outputs.stream().filter(output -> output == column).count() == 1
                && ResultColumns.sameType(
                    table.arrowSchema().getFields().get(column), schema.getFields().get(i));
      }
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public boolean next() {
      rowsBefore += root.getRowCount();
      while (fetch < 0 || answered < fetch) {
        if (!batches.next()) {
          return false;
        }
        VectorSchemaRoot batch = batches.root();
        int count = batch.getRowCount();
        if (rows.length < count) {
          rows = new int[count];
        }
        int selected = select(batch, filtered, rows);
        int first = 0;
        if (skipped < offset) {
          first = (int) Math.min(selected, offset - skipped);
          skipped += first;
        }
        int last = selected;
        if (fetch >= 0) {
          last = (int) Math.min(selected, first + (fetch - answered));
        }
        int kept = last - first;
        if (kept <= 0) {
          continue;
        }
        for (int i = 0; i < outputs.size(); i++) {
          FieldVector from = batch.getVector(batchIndex(outputs.get(i)));
          FieldVector to = root.getVector(i);
          if (movable[i] && kept == count) {
            from.makeTransferPair(to).transfer();
            continue;
          }
          to.clear();
          to.allocateNew();
          ResultColumns.Copier copier = ResultColumns.copier(from, to);
          for (int r = first; r < last; r++) {
            copier.copy(rows[r], r - first);
          }
          to.setValueCount(kept);
        }
        root.setRowCount(kept);
        answered += kept;
        return true;
      }
      return false;
    }

    @Override
    public VectorSchemaRoot root() {
      return root;
    }

    @Override
    public String position(int rowIndex) {
      return "result row " + (rowsBefore + rowIndex + 1);
    }

    @Override
    public long bytesRead() {
      return batches.bytesRead();
    }

    @Override
    public void close() {
      try (root) {
        batches.close();
        report.run();
      }
    }
  }
}
