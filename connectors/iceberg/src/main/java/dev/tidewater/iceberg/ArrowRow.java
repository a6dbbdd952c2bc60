package dev.tidewater.iceberg;

import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;

/**
 * A reusable cursor over one row of an Arrow batch: the batch's vectors in table column order (null
 * for a table column the batch lacks) and the row index. Writers read values straight from the
 * vectors; {@link StructLike} gives partition transforms Iceberg's internal values.
 */
final class ArrowRow implements StructLike {
  private final List<Types.NestedField> columns;
  private FieldVector[] vectors;
  private int batch = -1;
  private int index;

  ArrowRow(Types.StructType tableStruct) {
    this.columns = tableStruct.fields();
    this.vectors = new FieldVector[columns.size()];
  }

  /** Points the cursor at a new batch; {@code vectors} is in table column order. */
  void reset(FieldVector[] batchVectors) {
    this.vectors = batchVectors;
    this.batch++;
    this.index = 0;
  }

  /** Identifies the current batch, so writers bind to its vectors once. */
  int batch() {
    return batch;
  }

  FieldVector vector(int column) {
    return vectors[column];
  }

  int index() {
    return index;
  }

  void moveTo(int rowIndex) {
    this.index = rowIndex;
  }

  @Override
  public int size() {
    return columns.size();
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    Types.NestedField column = columns.get(pos);
    return javaClass.cast(
        ArrowValues.toInternal(vectors[pos], index, column.type(), column.name()));
  }

  @Override
  public <T> void set(int pos, T value) {
    throw new UnsupportedOperationException("an Arrow row is read-only");
  }
}
