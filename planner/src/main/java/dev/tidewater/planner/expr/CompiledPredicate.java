package dev.tidewater.planner.expr;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A SQL boolean expression compiled against a schema, evaluated over whole Arrow batches. Safe to
 * use from several threads at once, each with its own {@link PredicateResult}.
 */
public interface CompiledPredicate {
  /**
   * Evaluates over the batch: afterwards {@code result} holds, for each of the batch's rows, TRUE,
   * FALSE or UNKNOWN (SQL NULL). The batch must have the columns of the schema the predicate was
   * compiled against (found by name; other columns are ignored).
   *
   * @throws dev.tidewater.spi.TidewaterException of kind USER when a row cannot be evaluated
   *     (division by zero, a bad cast), naming the row
   */
  void evaluate(VectorSchemaRoot batch, PredicateResult result);

  /** The expression's SQL text. */
  String text();
}
