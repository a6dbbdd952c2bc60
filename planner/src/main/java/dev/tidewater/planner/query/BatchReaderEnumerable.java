package dev.tidewater.planner.query;

import dev.tidewater.spi.BatchReader;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Rows of a {@link BatchReader} for Calcite's enumerable engine. The reader opens when enumeration
 * starts and closes when it ends or is abandoned (e.g. by LIMIT).
 */
final class BatchReaderEnumerable extends AbstractEnumerable<Object[]> {
  private final Supplier<BatchReader> opener;
  private final int[] columns;

  /** {@code columns} are indexes into the reader's schema, in output order. */
  BatchReaderEnumerable(Supplier<BatchReader> opener, int[] columns) {
    this.opener = opener;
    this.columns = columns.clone();
  }

  @Override
  public Enumerator<Object[]> enumerator() {
    return new Enumerator<>() {
      private BatchReader reader;
      private ArrowValues.Getter[] getters;
      private int row;
      private int rows;
      private Object[] current;

      @Override
      public Object[] current() {
        return current;
      }

      @Override
      public boolean moveNext() {
        if (reader == null) {
          reader = opener.get();
        }
        while (row >= rows) {
          boolean more;
          try {
            more = reader.next();
          } catch (RuntimeException e) {
            // Calcite does not close an enumerator whose first moveNext (inside executeQuery)
            // failed: release the reader's batch here, before the query's allocator closes.
            close();
            throw e;
          }
          if (!more) {
            return false;
          }
          VectorSchemaRoot root = reader.root();
          getters = new ArrowValues.Getter[columns.length];
          for (int i = 0; i < columns.length; i++) {
            getters[i] = ArrowValues.getter(root.getVector(columns[i]));
          }
          row = 0;
          rows = root.getRowCount();
        }
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
          values[i] = getters[i].get(row);
        }
        row++;
        current = values;
        return true;
      }

      @Override
      public void reset() {
        close();
        row = 0;
        rows = 0;
      }

      @Override
      public void close() {
        if (reader != null) {
          reader.close();
          reader = null;
        }
      }
    };
  }
}
