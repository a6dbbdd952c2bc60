package dev.tidewater.planner.load;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Row selection over Arrow batches. */
final class Batches {
  private Batches() {}

  /** Moves the buffers of a reader's batch into a root the caller owns. */
  static VectorSchemaRoot transfer(VectorSchemaRoot source, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector from : source.getFieldVectors()) {
      var pair = from.getTransferPair(allocator);
      pair.transfer();
      vectors.add((FieldVector) pair.getTo());
    }
    VectorSchemaRoot owned =
        new VectorSchemaRoot(source.getSchema().getFields(), vectors, source.getRowCount());
    owned.setRowCount(source.getRowCount());
    return owned;
  }

  /**
   * The rows {@code rows[0..count)} of {@code batch}: the batch itself when that is every row, else
   * a new root (and {@code batch} is closed).
   */
  static VectorSchemaRoot select(
      VectorSchemaRoot batch, int[] rows, int count, BufferAllocator allocator) {
    if (count == batch.getRowCount()) {
      return batch;
    }
    try (batch) {
      return copy(batch, rows, count, allocator);
    }
  }

  /** A new root holding copies of the rows {@code rows[0..count)} of {@code batch}. */
  static VectorSchemaRoot copy(
      VectorSchemaRoot batch, int[] rows, int count, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (FieldVector from : batch.getFieldVectors()) {
        FieldVector to = from.getField().createVector(allocator);
        vectors.add(to);
        to.setInitialCapacity(Math.max(count, 1));
        to.allocateNew();
        for (int i = 0; i < count; i++) {
          to.copyFromSafe(rows[i], i, from);
        }
        to.setValueCount(count);
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    VectorSchemaRoot copy = new VectorSchemaRoot(batch.getSchema().getFields(), vectors, count);
    copy.setRowCount(count);
    return copy;
  }
}
