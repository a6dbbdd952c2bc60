package dev.tidewater.iceberg;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The batches of a reader that only reads values ({@link GenericFileBatches}) with the columns a
 * scan wants as dictionary ids encoded after the fact: each value its own entry ({@link
 * ColumnDictionary#encode}), so that every file of one scan answers the same schema.
 */
final class EncodingFileBatches implements FileBatches {
  private final FileBatches values;
  private final org.apache.arrow.vector.types.pojo.Schema schema;
  private final boolean[] encoded;
  private final BufferAllocator allocator;
  private final ColumnDictionary[] dictionaries;

  /** {@code schema}: the scan's batches, with the fields {@code encoded} marks as ids. */
  EncodingFileBatches(
      FileBatches values,
      org.apache.arrow.vector.types.pojo.Schema schema,
      boolean[] encoded,
      BufferAllocator allocator) {
    this.values = values;
    this.schema = schema;
    this.encoded = encoded.clone();
    this.allocator = allocator;
    this.dictionaries = new ColumnDictionary[encoded.length];
  }

  @Override
  public VectorSchemaRoot next() throws IOException {
    VectorSchemaRoot batch = values.next();
    if (batch == null) {
      return null;
    }
    try (batch) {
      int rows = batch.getRowCount();
      List<FieldVector> vectors = new ArrayList<>();
      try {
        for (int i = 0; i < encoded.length; i++) {
          FieldVector from = batch.getVector(i);
          if (!encoded[i]) {
            FieldVector to = from.getField().createVector(allocator);
            vectors.add(to);
            from.makeTransferPair(to).transfer();
            continue;
          }
          IntVector ids = (IntVector) schema.getFields().get(i).createVector(allocator);
          vectors.add(ids);
          ids.allocateNew(Math.max(rows, 1));
          dictionaries[i] = ColumnDictionary.encode((BaseVariableWidthVector) from, ids);
        }
      } catch (RuntimeException e) {
        vectors.forEach(FieldVector::close);
        throw e;
      }
      return new VectorSchemaRoot(vectors);
    }
  }

  @Override
  public ColumnDictionary dictionary(int column) {
    return encoded[column] ? dictionaries[column] : null;
  }

  @Override
  public void close() throws IOException {
    values.close();
  }
}
