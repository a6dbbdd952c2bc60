package dev.tidewater.planner.expr;

import dev.tidewater.planner.expr.EvalBatch.RowEvaluationNeeded;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A predicate as a tree of vectorized nodes. A batch whose values leave the vectorized range (a
 * decimal wider than a long, an overflow, a division by zero) is evaluated again row by row with
 * Calcite's semantics.
 */
final class VectorizedPredicate implements CompiledPredicate {
  private final String text;
  private final List<Field> fields;
  private final BoolExpr root;
  private final Supplier<BoolExpr> rowByRow;
  private volatile BoolExpr rowByRowCompiled;

  VectorizedPredicate(String text, List<Field> fields, BoolExpr root, Supplier<BoolExpr> rowByRow) {
    this.text = text;
    this.fields = List.copyOf(fields);
    this.root = root;
    this.rowByRow = rowByRow;
  }

  @Override
  public void evaluate(VectorSchemaRoot batch, PredicateResult result) {
    result.reset(batch.getRowCount());
    try {
      root.evaluate(new EvalBatch(batch, fields), result.trueBits(), result.falseBits());
    } catch (RowEvaluationNeeded e) {
      result.reset(batch.getRowCount());
      rowByRow().evaluate(new EvalBatch(batch, fields), result.trueBits(), result.falseBits());
    }
  }

  private BoolExpr rowByRow() {
    BoolExpr compiled = rowByRowCompiled;
    if (compiled == null) {
      synchronized (this) {
        compiled = rowByRowCompiled;
        if (compiled == null) {
          compiled = root instanceof RowFallback ? root : rowByRow.get();
          rowByRowCompiled = compiled;
        }
      }
    }
    return compiled;
  }

  @Override
  public String text() {
    return text;
  }

  /** How the expression is evaluated: vectorized nodes, and {@code row-by-row(...)} fallbacks. */
  String plan() {
    return root.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
