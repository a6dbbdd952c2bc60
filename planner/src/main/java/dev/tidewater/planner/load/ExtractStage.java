package dev.tidewater.planner.load;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Split;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The extract stage of a LOAD: one reader thread's loop over the connector's splits. */
final class ExtractStage {
  private ExtractStage() {}

  /**
   * Reads splits until none is left (readers share {@code nextSplit}), passing each batch through
   * the row stages to the dedup spill or the writers' queue.
   */
  static void run(
      LoadPlan plan,
      DedupSpill dedup,
      AtomicInteger nextSplit,
      BlockingQueue<VectorSchemaRoot> queue,
      BufferAllocator allocator,
      LoadListener listener,
      LoadCounters counters) {
    RowStages stages = new RowStages(plan, counters, allocator, RowStages.Mode.LOAD);
    for (int index = nextSplit.getAndIncrement();
        index < plan.extract().splits().size();
        index = nextSplit.getAndIncrement()) {
      Split split = plan.extract().splits().get(index);
      try (BatchReader reader =
          plan.extract().connector().open(split, counters.request, allocator)) {
        long bytesBefore = 0;
        while (reader.next()) {
          counters.cancellation.check();
          int rows = reader.root().getRowCount();
          counters.rowsRead.addAndGet(rows);
          VectorSchemaRoot batch = stages.apply(reader);
          try {
            if (batch.getRowCount() == 0) {
              batch.close();
            } else if (dedup != null) {
              dedup.add(batch);
            } else {
              WriteStage.put(queue, WriteStage.markDeletes(plan, batch, allocator));
            }
          } catch (RuntimeException | Error e) {
            // Whoever failed (with an Error too, say an OutOfMemoryError or a Calcite class that
            // did not initialize) did not take the batch; closing a closed root is harmless.
            batch.close();
            throw e;
          }
          long bytes = reader.bytesRead();
          counters.bytesRead.addAndGet(bytes - bytesBefore);
          listener.progressed(bytes - bytesBefore, rows);
          bytesBefore = bytes;
          Failpoints.pause(Failpoints.BETWEEN_BATCHES, counters.cancellation);
        }
      }
      counters.splitsDone.incrementAndGet();
    }
  }
}
