package dev.tidewater.planner.query;

import dev.tidewater.parser.TidewaterSqlParser;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;

/**
 * Finds the queries that run over Arrow batches instead of Calcite's row-by-row code: Calcite
 * parses, validates and converts the query; a logical plan of the shape {@code [Sort | Project]*
 * Aggregate [Project] [Filter] Scan} or {@code [Sort(limit)] [Project] [Filter] Scan} over one
 * Iceberg table, whose filter the vectorized predicate compiler takes whole and whose columns and
 * aggregates {@link Accumulators} and {@link ResultColumns} know, becomes a {@link
 * VectorizedQuery}. Anything else is left to Calcite's own plan.
 */
final class VectorizedPlanner {
  private static final Set<SqlKind> AGGREGATES =
      Set.of(SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.AVG, SqlKind.MIN, SqlKind.MAX);

  /**
   * Whether a GROUP BY of one string column reads it as dictionary ids ({@link DictionaryGroups});
   * {@code -Dtidewater.query.dictionary-groups=false} reads its values (to compare in benchmarks).
   */
  private static final boolean DICTIONARY_GROUPS =
      !"false".equals(System.getProperty("tidewater.query.dictionary-groups"));

  /** Groups kept in memory before a GROUP BY goes to Calcite's plan instead. */
  static final int MAX_GROUPS = 1_000_000;

  private VectorizedPlanner() {}

  /** The vectorized form of {@code sql}, or empty when Calcite's plan must run it. */
  static Optional<VectorizedQuery> plan(String sql, SchemaPlus root, String defaultSchema) {
    String trimmed = sql.stripLeading().toLowerCase(java.util.Locale.ROOT);
    if (!trimmed.startsWith("select")) {
      return Optional.empty();
    }
    SchemaPlus schema = defaultSchema == null ? root : root.getSubSchema(defaultSchema);
    FrameworkConfig config =
        Frameworks.newConfigBuilder()
            .parserConfig(TidewaterSqlParser.config())
            .defaultSchema(schema == null ? root : schema)
            .operatorTable(
                SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
                    SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL))
            .build();
    Planner planner = Frameworks.getPlanner(config);
    try {
      SqlNode parsed = planner.parse(sql);
      SqlNode validated = planner.validate(parsed);
      RelRoot relRoot = planner.rel(validated);
      SourceLimits.apply(relRoot.project());
      Schema result = ResultColumns.schema(relRoot.validatedRowType);
      if (result == null) {
        return Optional.empty();
      }
      return Optional.ofNullable(match(relRoot.project(), result));
    } catch (Exception | AssertionError e) {
      // Calcite's own path reports the error, with its position
      return Optional.empty();
    } finally {
      planner.close();
    }
  }

  private static VectorizedQuery match(RelNode rel, Schema result) {
    List<RelNode> above = new ArrayList<>();
    RelNode node = rel;
    while ((node instanceof Sort || node instanceof Project project && refsOnly(project))
        && hasAggregateBelow(node.getInput(0))) {
      above.add(node);
      node = node.getInput(0);
    }
    if (node instanceof Aggregate aggregate) {
      return aggregate(aggregate, above, result);
    }
    return stream(rel, result);
  }

  private static VectorizedQuery aggregate(
      Aggregate aggregate, List<RelNode> above, Schema result) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return null;
    }
    for (RelNode node : above) {
      if (node instanceof Sort sort && !literalLimits(sort)) {
        return null;
      }
    }
    RelNode input = aggregate.getInput();
    List<RexNode> projects = null;
    if (input instanceof Project project) {
      projects = project.getProjects();
      input = project.getInput();
    }
    Scan scan = scan(input);
    if (scan == null) {
      return null;
    }
    Set<Integer> columns = new TreeSet<>(scan.filterColumns);
    // the columns read as values: by the filter, as arguments, by FILTER predicates
    Set<Integer> valueColumns = new TreeSet<>(scan.filterColumns);
    List<Integer> keys = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      Integer column = column(projects, key);
      if (column == null || !groupable(scan.table.arrowSchema().getFields().get(column))) {
        return null;
      }
      keys.add(column);
      columns.add(column);
    }
    List<VectorizedQuery.Call> calls = new ArrayList<>();
    List<CompiledPredicate> predicates = new ArrayList<>();
    for (AggregateCall call : aggregate.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      if (!AGGREGATES.contains(kind)
          || call.isDistinct()
          || call.isApproximate()
          || call.getArgList().size() > 1
          || (kind != SqlKind.COUNT && call.getArgList().isEmpty())
          || !call.getCollation().getFieldCollations().isEmpty()) {
        return null;
      }
      Integer column = -1;
      ArrowType argument = null;
      if (!call.getArgList().isEmpty()) {
        column = column(projects, call.getArgList().get(0));
        if (column == null) {
          return null;
        }
        argument = scan.table.arrowSchema().getFields().get(column).getType();
        columns.add(column);
        valueColumns.add(column);
      }
      int predicate = -1;
      if (call.filterArg >= 0) {
        RexNode condition =
            projects == null ? scan.rowRef(call.filterArg) : projects.get(call.filterArg);
        CompiledPredicate compiled = scan.compile(condition);
        if (compiled == null) {
          return null;
        }
        columns.addAll(scan.references(condition));
        valueColumns.addAll(scan.references(condition));
        predicate = predicates.size();
        predicates.add(compiled);
      }
      if (Accumulators.create(kind, argument, call.getType().getSqlTypeName(), 0, null) == null) {
        return null;
      }
      calls.add(
          new VectorizedQuery.Call(
              kind, column, predicate, call.getType().getSqlTypeName(), argument));
    }
    if (projects != null && !referencedOnly(aggregate, projects)) {
      return null;
    }
    if (columns.isEmpty()) {
      columns.add(firstScannable(scan.table.arrowSchema()));
    }
    boolean dictionaryKey =
        DICTIONARY_GROUPS
            && keys.size() == 1
            && !valueColumns.contains(keys.get(0))
            && scan.table.arrowSchema().getFields().get(keys.get(0)).getType().getTypeID()
                == ArrowType.ArrowTypeID.Utf8;
    return new VectorizedQuery(
        scan.table,
        List.copyOf(columns),
        scan.filter,
        scan.condition,
        new VectorizedQuery.Aggregation(keys, calls, predicates, above, dictionaryKey),
        null,
        0,
        -1,
        result);
  }

  private static VectorizedQuery stream(RelNode rel, Schema result) {
    RelNode node = rel;
    long offset = 0;
    long fetch = -1;
    if (node instanceof Sort sort) {
      if (!sort.getCollation().getFieldCollations().isEmpty() || !literalLimits(sort)) {
        return null;
      }
      offset = sort.offset == null ? 0 : ((RexLiteral) sort.offset).getValueAs(Long.class);
      fetch = sort.fetch == null ? -1 : ((RexLiteral) sort.fetch).getValueAs(Long.class);
      node = sort.getInput();
    }
    List<Integer> outputs = new ArrayList<>();
    boolean projected = node instanceof Project;
    if (node instanceof Project project) {
      if (!refsOnly(project)) {
        return null;
      }
      for (RexNode expression : project.getProjects()) {
        outputs.add(((RexInputRef) expression).getIndex());
      }
      node = project.getInput();
    }
    Scan scan = scan(node);
    if (scan == null) {
      return null;
    }
    if (!projected) {
      for (int i = 0; i < scan.table.arrowSchema().getFields().size(); i++) {
        outputs.add(i);
      }
    }
    if (outputs.size() != result.getFields().size() || outputs.isEmpty()) {
      return null;
    }
    for (int i = 0; i < outputs.size(); i++) {
      Field scanned = scan.table.arrowSchema().getFields().get(outputs.get(i));
      if (!ResultColumns.converts(scanned.getType(), result.getFields().get(i).getType())) {
        return null;
      }
    }
    Set<Integer> columns = new TreeSet<>(scan.filterColumns);
    columns.addAll(outputs);
    return new VectorizedQuery(
        scan.table,
        List.copyOf(columns),
        scan.filter,
        scan.condition,
        null,
        outputs,
        offset,
        fetch,
        result);
  }

  /** The Iceberg table scan under an optional filter, or null. */
  private static Scan scan(RelNode node) {
    RexNode condition = null;
    if (node instanceof Filter filter) {
      condition = filter.getCondition();
      node = filter.getInput();
    }
    if (!(node instanceof TableScan tableScan)) {
      return null;
    }
    IcebergQueryTable table = tableScan.getTable().unwrap(IcebergQueryTable.class);
    if (table == null) {
      return null;
    }
    Scan scan = new Scan(table, tableScan, condition);
    if (condition != null) {
      for (int column : scan.filterColumns) {
        if (!filterable(table.arrowSchema().getFields().get(column))) {
          return null;
        }
      }
      scan.filter = scan.compile(condition);
      if (scan.filter == null) {
        return null;
      }
    }
    return scan;
  }

  /** A table scan with its filter, compiled. */
  private static final class Scan {
    final IcebergQueryTable table;
    final TableScan rel;
    final RexNode condition;
    final Set<Integer> filterColumns;
    CompiledPredicate filter;

    Scan(IcebergQueryTable table, TableScan rel, RexNode condition) {
      this.table = table;
      this.rel = rel;
      this.condition = condition;
      this.filterColumns = condition == null ? Set.of() : references(condition);
    }

    Set<Integer> references(RexNode expression) {
      return new TreeSet<>(RelOptUtil.InputFinder.bits(expression).asList());
    }

    RexNode rowRef(int index) {
      return rel.getCluster().getRexBuilder().makeInputRef(rel, index);
    }

    CompiledPredicate compile(RexNode expression) {
      for (int column : references(expression)) {
        if (!filterable(table.arrowSchema().getFields().get(column))) {
          return null;
        }
      }
      return PredicateCompiler.compileVectorized(
              expression, rel.getRowType(), rel.getCluster().getRexBuilder(), table.arrowSchema())
          .orElse(null);
    }
  }

  /** The scan column an aggregate input names: through the project, an input reference. */
  private static Integer column(List<RexNode> projects, int index) {
    if (projects == null) {
      return index;
    }
    return projects.get(index) instanceof RexInputRef ref ? ref.getIndex() : null;
  }

  /** Whether every project expression that is not a column reference serves only as a FILTER. */
  private static boolean referencedOnly(Aggregate aggregate, List<RexNode> projects) {
    Set<Integer> plain = new TreeSet<>(aggregate.getGroupSet().asList());
    for (AggregateCall call : aggregate.getAggCallList()) {
      plain.addAll(call.getArgList());
    }
    for (int index : plain) {
      if (!(projects.get(index) instanceof RexInputRef)) {
        return false;
      }
    }
    return true;
  }

  private static boolean refsOnly(Project project) {
    return project.getProjects().stream().allMatch(RexInputRef.class::isInstance);
  }

  private static boolean literalLimits(Sort sort) {
    return (sort.offset == null || sort.offset instanceof RexLiteral)
        && (sort.fetch == null || sort.fetch instanceof RexLiteral);
  }

  private static boolean hasAggregateBelow(RelNode node) {
    for (RelNode current = node; current != null; ) {
      if (current instanceof Aggregate) {
        return true;
      }
      if (!(current instanceof Sort || current instanceof Project)) {
        return false;
      }
      current = current.getInput(0);
    }
    return false;
  }

  /** Key types whose bytes compare equal exactly when Calcite's values do. */
  private static boolean groupable(Field field) {
    return switch (field.getType().getTypeID()) {
      case Int, FloatingPoint, Decimal, Utf8, Bool, Date, Timestamp, Binary -> true;
      default -> false;
    };
  }

  /**
   * Column types a vectorized filter reads. Timestamps compare at the stored microseconds, as SQL
   * means them; Calcite's row-by-row plan, the fallback, compares them at milliseconds, so the two
   * differ only for values with sub-millisecond digits (docs/sql-reference.md, Queries).
   */
  private static boolean filterable(Field field) {
    return switch (field.getType().getTypeID()) {
      case Int, FloatingPoint, Decimal, Utf8, Bool, Date, Timestamp -> true;
      default -> false;
    };
  }

  private static int firstScannable(Schema schema) {
    for (int i = 0; i < schema.getFields().size(); i++) {
      if (schema.getFields().get(i).getChildren().isEmpty()) {
        return i;
      }
    }
    return 0;
  }
}
