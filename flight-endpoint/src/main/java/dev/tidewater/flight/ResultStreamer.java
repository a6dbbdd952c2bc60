package dev.tidewater.flight;

import dev.tidewater.spi.BatchReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a statement's batches to a DoGet listener. It waits for the client before each batch
 * (back-pressure), never sends an empty batch, and stops when the client or the server cancels.
 *
 * <p>The batches are sent from a thread of this streamer, not from the gRPC thread that called
 * {@code getStream}: gRPC delivers a call's "ready" and "cancelled" events on that call's own
 * serialized executor, so a producer that blocks there is never woken by them. A stream that waited
 * for a slow client then stalled until the stall timeout, and one whose client cancelled during the
 * wait held its reader and memory just as long. The waits also poll the flags, so that no lost
 * event can stall a stream.
 */
final class ResultStreamer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultStreamer.class);

  /**
   * Longest wait on the client between two checks of the cancel flags, in case an event is lost.
   */
  private static final long POLL_MILLIS = 100;

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Duration stallTimeout;
  private final ExecutorService threads;
  private final Set<StatementExecution> streaming = ConcurrentHashMap.newKeySet();

  /** {@code stallTimeout}: how long a client may stop reading before the stream is abandoned. */
  ResultStreamer(Duration stallTimeout) {
    this.stallTimeout = stallTimeout;
    this.threads = Executors.newCachedThreadPool(new StreamThreads());
  }

  /**
   * Starts streaming and returns at once. Called on the gRPC thread, which registers the ready and
   * cancel handlers before gRPC can deliver either event to this call.
   */
  void stream(StatementExecution execution, ServerStreamListener listener) {
    // Flight copies each batch into gRPC buffers during putNext; the reader may then refill its
    // root.
    listener.setUseZeroCopy(false);
    CancellingBackpressure backpressure = new CancellingBackpressure(execution);
    backpressure.register(listener);
    execution.onCancel(backpressure::interruptWait);
    streaming.add(execution);
    try {
      threads.execute(() -> run(execution, listener, backpressure));
    } catch (RejectedExecutionException e) {
      streaming.remove(execution);
      execution.cancel();
      listener.error(
          CallStatus.UNAVAILABLE
              .withDescription("the Flight SQL endpoint is shutting down")
              .toRuntimeException());
    }
  }

  /** Cancels the running streams and waits for their threads to release their resources. */
  @Override
  public void close() {
    threads.shutdown();
    for (StatementExecution execution : List.copyOf(streaming)) {
      execution.cancel();
    }
    try {
      if (!threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} result streams did not stop within {}", streaming.size(), CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(
      StatementExecution execution,
      ServerStreamListener listener,
      CancellingBackpressure backpressure) {
    try {
      if (listener.isCancelled()) {
        // The client left before the statement started: there is nothing to stop.
        execution.cancel();
      }
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
    } catch (RuntimeException | Error e) {
      // An Error too (a class that fails to initialize, a missing XML factory): the client gets
      // an answer instead of waiting for one that never comes.
      execution.failed();
      listener.error(FlightErrors.toFlight(e));
      if (e instanceof VirtualMachineError fatal) {
        throw fatal;
      }
    } finally {
      execution.closeResources();
      streaming.remove(execution);
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
        VectorSchemaRoot batch = reader.root();
        if (batch.getRowCount() == 0) {
          continue;
        }
        // Share the reader's buffers with the stream root instead of copying them.
        try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
          loader.load(record);
        }
        if (!awaitClient(backpressure, listener, execution)) {
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

  /**
   * True when the client can take the next batch, false when the statement was cancelled. The
   * events wake the wait at once; the bounded polls re-check the flags should an event be lost.
   */
  private boolean awaitClient(
      CancellingBackpressure backpressure,
      ServerStreamListener listener,
      StatementExecution execution) {
    long deadline = System.nanoTime() + stallTimeout.toNanos();
    while (true) {
      if (listener.isCancelled() || Thread.currentThread().isInterrupted()) {
        execution.cancel();
      }
      if (execution.isCancelled()) {
        return false;
      }
      long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remainingMillis <= 0) {
        throw CallStatus.TIMED_OUT
            .withDescription("the client read nothing for " + stallTimeout)
            .toRuntimeException();
      }
      // A timeout of 0 would wait forever.
      long poll = Math.max(1, Math.min(POLL_MILLIS, remainingMillis));
      switch (backpressure.waitForListener(poll)) {
        case READY:
          return true;
        case CANCELLED:
          execution.cancel();
          return false;
        default:
          // TIMEOUT ends one poll, OTHER a wait that a cancel interrupted: check the flags again.
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

  /** Daemon threads named after their job, so a stuck stream is easy to spot in a thread dump. */
  private static final class StreamThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "tidewater-result-stream-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
