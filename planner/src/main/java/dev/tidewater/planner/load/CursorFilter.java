package dev.tidewater.planner.load;

import dev.tidewater.spi.TidewaterException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The cursor stage: keeps the rows whose cursor is inside the window and tracks the largest cursor
 * kept. Sources that can filter have done so already; this makes the window exact for all. A row
 * whose cursor is null is an error: it could never be loaded exactly once.
 */
final class CursorFilter {
  private final CursorWindow window;
  private Comparable<?> max;

  CursorFilter(CursorWindow window) {
    this.window = window;
  }

  /**
   * Returns a batch holding the rows of {@code batch} inside the window: {@code batch} itself when
   * all are, else a new root (and {@code batch} is closed).
   */
  VectorSchemaRoot apply(
      VectorSchemaRoot batch, BufferAllocator allocator, PositionSource positions) {
    FieldVector cursor = batch.getVector(window.column());
    int rows = batch.getRowCount();
    int[] kept = new int[rows];
    int count = 0;
    Comparable<?> batchMax = null;
    for (int row = 0; row < rows; row++) {
      Comparable<?> value = window.type().read(cursor, row);
      if (value == null) {
        batch.close();
        throw TidewaterException.user(
            "%s: the cursor column '%s' is null; every row of an incremental load needs a cursor"
                + " value",
            positions.position(row), window.column());
      }
      if (window.contains(value)) {
        kept[count++] = row;
        if (batchMax == null || CursorType.compare(value, batchMax) > 0) {
          batchMax = value;
        }
      }
    }
    if (batchMax != null) {
      observe(batchMax);
    }
    return Batches.select(batch, kept, count, allocator);
  }

  private synchronized void observe(Comparable<?> value) {
    if (max == null || CursorType.compare(value, max) > 0) {
      max = value;
    }
  }

  /** The largest cursor value kept so far, or null. */
  synchronized Comparable<?> max() {
    return max;
  }

  /** Where a row of the current batch came from, for errors. */
  interface PositionSource {
    String position(int row);
  }
}
