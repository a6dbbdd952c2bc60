package dev.tidewater.planner.load;

import dev.tidewater.spi.TidewaterException;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The cursor stage: keeps the rows whose cursor is inside the window and tracks the largest cursor
 * among them. Sources that can filter have done so already; this makes the window exact for all. It
 * runs on the extracted rows, before the contract, so that rows outside the window are neither
 * validated nor rejected; the largest cursor therefore counts every row the load took, written,
 * rejected or dropped by DEDUP BY, and the next load starts after all of them. A row whose cursor
 * is null is an error: it could never be loaded exactly once.
 */
final class CursorFilter {
  private final CursorWindow window;
  private final String column;
  private final CursorType readType;
  private Comparable<?> max;

  /**
   * A filter of batches whose cursor column is {@code column}, of cursor type {@code readType}
   * (converted to the window's type to be compared; a value that has no such value — text that is
   * not a timestamp, say — is kept, for the contract to judge, and does not move the cursor).
   */
  CursorFilter(CursorWindow window, String column, CursorType readType) {
    this.window = window;
    this.column = column;
    this.readType = readType;
  }

  /** A batch and where its rows came from. */
  record Selected(VectorSchemaRoot batch, IntFunction<String> positions) {}

  /**
   * The rows of {@code batch} inside the window: {@code batch} itself when all are, else a new root
   * (and {@code batch} is closed); {@code positions} name the rows of {@code batch}, the result's
   * name the selected rows.
   */
  Selected apply(VectorSchemaRoot batch, BufferAllocator allocator, IntFunction<String> positions) {
    FieldVector cursor = batch.getVector(column);
    int rows = batch.getRowCount();
    int[] kept = new int[rows];
    int count = 0;
    Comparable<?> batchMax = null;
    for (int row = 0; row < rows; row++) {
      Comparable<?> read = readType.read(cursor, row);
      Comparable<?> value = window.type().from(read, readType);
      if (read != null && value == null) {
        kept[count++] = row; // no cursor value of the window's type: the contract judges the row
        continue;
      }
      if (value == null) {
        batch.close();
        throw TidewaterException.user(
            "%s: the cursor column '%s' is null; every row of an incremental load needs a cursor"
                + " value",
            positions.apply(row), column);
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
    if (count == rows) {
      return new Selected(batch, positions);
    }
    return new Selected(
        Batches.select(batch, kept, count, allocator), row -> positions.apply(kept[row]));
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
}
