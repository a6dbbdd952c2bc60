package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a statement answers: rows as Arrow batches, or (for DDL) an update count with an empty
 * schema. The caller closes it.
 */
public record ExecutionResult(Schema schema, BatchReader rows, long updateCount)
    implements AutoCloseable {
  private static final Schema EMPTY = new Schema(java.util.List.of());

  public ExecutionResult {
    requireNonNull(schema, "schema is null");
  }

  public static ExecutionResult update(long count) {
    return new ExecutionResult(EMPTY, null, count);
  }

  public static ExecutionResult rows(BatchReader rows) {
    return new ExecutionResult(rows.schema(), rows, -1);
  }

  public static Schema emptySchema() {
    return EMPTY;
  }

  public boolean hasRows() {
    return rows != null;
  }

  @Override
  public void close() {
    if (rows != null) {
      rows.close();
    }
  }
}
