package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/** A statement's outcome: rows as Arrow batches, or an update count. */
public record StatementResult(Schema schema, BatchReader rows, long updateCount)
    implements AutoCloseable {
  private static final Schema NO_COLUMNS = new Schema(List.of());

  public StatementResult {
    requireNonNull(schema, "schema is null");
  }

  /** A result of rows; the schema is the reader's. */
  public static StatementResult rows(BatchReader rows) {
    requireNonNull(rows, "rows is null");
    return new StatementResult(rows.schema(), rows, -1);
  }

  /** The result of a statement that changes things and returns no rows. */
  public static StatementResult updateCount(long updateCount) {
    return new StatementResult(NO_COLUMNS, null, updateCount);
  }

  /** True when the statement returned rows. */
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
