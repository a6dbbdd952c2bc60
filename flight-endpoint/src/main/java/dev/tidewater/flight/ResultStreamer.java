package dev.tidewater.flight;

import dev.tidewater.spi.BatchReader;
import java.time.Duration;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams a statement's batches to a DoGet listener. It waits for the client before each batch
 * (back-pressure), never sends an empty batch, and stops when the client or the server cancels.
 */
final class ResultStreamer {
  private final Duration stallTimeout;

  /** {@code stallTimeout}: how long a client may stop reading before the stream is abandoned. */
  ResultStreamer(Duration stallTimeout) {
    this.stallTimeout = stallTimeout;
  }

  void stream(StatementExecution execution, ServerStreamListener listener) {
    // Flight copies each batch into gRPC buffers during putNext; the reader may then refill its
    // root.
    listener.setUseZeroCopy(false);
    CancellingBackpressure backpressure = new CancellingBackpressure(execution);
    backpressure.register(listener);
    execution.onCancel(backpressure::interruptWait);
    try {
      StatementResult result = execution.run();
      if (result.hasRows()) {
        sendBatches(execution, result.rows(), listener, backpressure);
      } else {
        sendNoRows(execution, result.schema(), listener);
      }
      if (execution.isCancelled()) {
        listener.error(StatementExecution.cancelledError());
      } else {
        execution.finished();
        listener.completed();
      }
    } catch (RuntimeException e) {
      execution.failed();
      listener.error(FlightErrors.toFlight(e));
    } finally {
      execution.closeResources();
    }
  }

  private void sendBatches(
      StatementExecution execution,
      BatchReader reader,
      ServerStreamListener listener,
      CancellingBackpressure backpressure) {
    Schema schema = ColumnMetadata.forResultSet(reader.schema());
    try (VectorSchemaRoot out = VectorSchemaRoot.create(schema, execution.allocator())) {
      VectorLoader loader = new VectorLoader(out);
      listener.start(out);
      while (!execution.isCancelled() && reader.next()) {
        if (listener.isCancelled()) {
          // The cancel callback may race with this loop; the listener's flag does not.
          execution.cancel();
          return;
        }
        VectorSchemaRoot batch = reader.root();
        if (batch.getRowCount() == 0) {
          continue;
        }
        // Share the reader's buffers with the stream root instead of copying them.
        try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
          loader.load(record);
        }
        if (!awaitClient(backpressure, execution)) {
          return;
        }
        listener.putNext();
      }
    }
  }

  private static void sendNoRows(
      StatementExecution execution, Schema schema, ServerStreamListener listener) {
    try (VectorSchemaRoot out = VectorSchemaRoot.create(schema, execution.allocator())) {
      listener.start(out);
    }
  }

  /** True when the client can take the next batch, false when the statement was cancelled. */
  private boolean awaitClient(CancellingBackpressure backpressure, StatementExecution execution) {
    while (true) {
      switch (backpressure.waitForListener(stallTimeout.toMillis())) {
        case READY:
          return true;
        case CANCELLED:
          execution.cancel();
          return false;
        case TIMEOUT:
          throw CallStatus.TIMED_OUT
              .withDescription("the client read nothing for " + stallTimeout)
              .toRuntimeException();
        default:
          if (execution.isCancelled()) {
            return false;
          }
      }
    }
  }

  /** Arrow's callback strategy, tied to the statement: each cancel ends the other's wait. */
  private static final class CancellingBackpressure
      extends BackpressureStrategy.CallbackBackpressureStrategy {
    private final StatementExecution execution;

    private CancellingBackpressure(StatementExecution execution) {
      this.execution = execution;
    }

    @Override
    protected void cancelCallback() {
      execution.cancel();
    }

    @Override
    protected boolean shouldContinueWaiting(ServerStreamListener listener, long remainingMillis) {
      return !execution.isCancelled();
    }
  }
}
