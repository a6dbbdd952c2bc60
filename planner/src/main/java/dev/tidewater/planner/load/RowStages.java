package dev.tidewater.planner.load;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.TidewaterException;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The row stages every extracted batch goes through before it is written, as the plan's tree orders
 * them: cursor window on extract, validate, normalize, cursor window after normalize. {@link
 * #apply} returns the batch to write (possibly empty), which the caller owns.
 */
final class RowStages {
  /** What the stages are run for. */
  enum Mode {
    /** A LOAD: violations count, and are aborted on, skipped or quarantined. */
    LOAD,
    /** VALIDATE LOAD: violations are sampled and counted, never fatal. */
    VALIDATE
  }

  private final LoadPlan plan;
  private final LoadCounters counters;
  private final BufferAllocator allocator;
  private final ValidateStage validate;

  RowStages(LoadPlan plan, LoadCounters counters, BufferAllocator allocator, Mode mode) {
    this.plan = plan;
    this.counters = counters;
    this.allocator = allocator;
    this.validate =
        plan.validation() == null
            ? null
            : new ValidateStage(plan.validation(), counters, allocator, mode);
  }

  VectorSchemaRoot apply(BatchReader reader) {
    VectorSchemaRoot batch = Batches.transfer(reader.root(), allocator);
    IntFunction<String> positions = reader::position;
    CursorFilter cursor = counters.cursorFilter;
    if (cursor != null && plan.window().onExtract()) {
      CursorFilter.Selected selected = cursor.apply(batch, allocator, positions);
      batch = selected.batch();
      positions = selected.positions();
    }
    counters.rowsTaken.addAndGet(batch.getRowCount());
    if (validate != null) {
      batch = validate.apply(batch, positions);
    }
    VectorSchemaRoot normalized;
    try (VectorSchemaRoot checked = batch) {
      normalized = plan.normalize().normalizer().apply(checked, allocator);
    }
    if (cursor != null && !plan.window().onExtract()) {
      // The contract may have dropped rows: positions are those of the batch's first rows.
      normalized =
          cursor.apply(normalized, allocator, row -> "a row near " + reader.position(0)).batch();
    }
    return normalized;
  }

  /** The cursor stage: on the extracted batches when it can compare them, else normalized. */
  static CursorFilter cursorFilter(LoadPlan plan) {
    if (!plan.window().onExtract()) {
      return new CursorFilter(plan.cursor(), plan.cursor().column(), plan.cursor().type());
    }
    String column = plan.normalize().normalizer().sourceColumn(plan.cursor().column());
    for (org.apache.arrow.vector.types.pojo.Field field : plan.extract().schema().getFields()) {
      if (field.getName().equals(column)) {
        return new CursorFilter(plan.cursor(), column, CursorType.of(field));
      }
    }
    throw TidewaterException.internal(null, "the cursor column %s is not extracted", column);
  }
}
