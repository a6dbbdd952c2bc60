package dev.tidewater.planner.load;

import dev.tidewater.iceberg.BatchSink;
import dev.tidewater.iceberg.MergeSink;
import dev.tidewater.iceberg.ParquetBatchSink;
import dev.tidewater.iceberg.WriteResult;
import dev.tidewater.planner.expr.CompiledPredicate;
import dev.tidewater.planner.expr.PredicateResult;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.TidewaterException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write stage: reader threads ({@link ExtractStage}) feed a bounded queue that writer threads
 * drain into the sinks (Parquet files, or the one merge sink); DEDUP BY first spills and picks one
 * row per key; DELETE WHEN marks the rows a MERGE deletes. A failure anywhere stops every thread of
 * the load at once and aborts the sinks.
 */
final class WriteStage {
  private static final Logger LOG = LoggerFactory.getLogger(WriteStage.class);
  private static final VectorSchemaRoot END_OF_DATA = new VectorSchemaRoot(List.of());
  static final String DELETE_MARKER = "__tidewater_delete";

  private WriteStage() {}

  /** The sinks of the plan's write stage, into {@code table} (a MERGE reads {@code committed}). */
  static List<BatchSink> sinks(LoadPlan plan, Table table, Table committed) {
    List<BatchSink> sinks = new ArrayList<>();
    if (plan.disposition() == LoadPlan.Disposition.MERGE) {
      Long startingSnapshot =
          table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
      sinks.add(
          new MergeSink(
              table,
              committed == null ? table : committed,
              plan.commit().merge().keys(),
              plan.commit().merge().mode(),
              plan.write().options(),
              startingSnapshot,
              plan.commit().deleteWhen() == null ? null : DELETE_MARKER));
    } else {
      for (int i = 0; i < plan.write().writers(); i++) {
        sinks.add(new ParquetBatchSink(table, plan.write().options(), i, System.nanoTime()));
      }
    }
    return sinks;
  }

  static DedupSpill dedupSpill(LoadPlan plan, BufferAllocator allocator) {
    if (plan.dedup() == null) {
      return null;
    }
    Path directory =
        Path.of(
            plan.write()
                .options()
                .getOrDefault(
                    MergeSink.SPILL_DIRECTORY_OPTION, System.getProperty("java.io.tmpdir")));
    return new DedupSpill(
        directory,
        plan.loadId(),
        plan.normalize().normalizer().outputSchema(),
        plan.commit().merge().keys(),
        plan.dedup().column(),
        plan.dedup().direction(),
        plan.estimatedBytes(),
        allocator);
  }

  static WriteResult run(
      LoadPlan plan,
      List<BatchSink> sinks,
      DedupSpill dedup,
      BufferAllocator allocator,
      LoadListener listener,
      LoadCounters counters) {
    int writers = sinks.size();
    // A MERGE reads on one thread, so DEDUP BY sees the rows in source order.
    int readers =
        plan.disposition() == LoadPlan.Disposition.MERGE
            ? 1
            : Math.max(1, Math.min(plan.extract().splits().size(), plan.write().writers()));
    BlockingQueue<VectorSchemaRoot> queue = new ArrayBlockingQueue<>(writers * 2);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            readers + writers,
            runnable -> {
              Thread thread = new Thread(runnable, "load-" + plan.loadId().substring(0, 8));
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger nextSplit = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<Future<?>> readerFutures = new ArrayList<>();
    List<Future<WriteResult>> writerFutures = new ArrayList<>();
    // A cancel wakes the threads that wait on the queue or on a slow source at once.
    try (Cancellation.Registration wake = counters.cancellation.onCancel(threads::shutdownNow)) {
      for (BatchSink sink : sinks) {
        writerFutures.add(
            threads.submit(
                () -> failFast(firstFailure, threads, () -> drain(queue, sink, counters))));
      }
      for (int i = 0; i < readers; i++) {
        readerFutures.add(
            threads.submit(
                () ->
                    failFast(
                        firstFailure,
                        threads,
                        () -> {
                          ExtractStage.run(
                              plan, dedup, nextSplit, queue, allocator, listener, counters);
                          return null;
                        })));
      }
      for (Future<?> future : readerFutures) {
        await(future);
      }
      // This thread is not in the pool that a failing writer stops: it must not wait on a full
      // queue that no writer drains any more.
      if (dedup != null) {
        dedup.drain(
            batch -> {
              counters.cancellation.check();
              hand(queue, markDeletes(plan, batch, allocator), firstFailure);
            });
      }
      for (int i = 0; i < writers; i++) {
        hand(queue, END_OF_DATA, firstFailure);
      }
      List<WriteResult> results = new ArrayList<>();
      for (Future<WriteResult> future : writerFutures) {
        results.add(await(future));
      }
      return WriteResult.merge(results);
    } catch (RuntimeException | Error thrown) {
      RuntimeException e =
          counters.cancellation.isCancelled()
              ? counters.cancellation.error()
              : firstFailure.get() != null
                  ? translate(firstFailure.get())
                  : thrown instanceof RuntimeException runtime ? runtime : translate(thrown);
      writerFutures.forEach(future -> future.cancel(true));
      threads.shutdownNow();
      awaitQuietly(threads);
      closeQueued(queue);
      for (BatchSink sink : sinks) {
        try {
          sink.abort();
        } catch (RuntimeException abortFailure) {
          e.addSuppressed(abortFailure);
        }
      }
      throw e;
    } finally {
      threads.shutdownNow();
      closeQueued(queue);
    }
  }

  /** Runs a task; its failure stops every other task of the load at once. */
  private static <T> T failFast(
      AtomicReference<Throwable> firstFailure, ExecutorService threads, Callable<T> task)
      throws Exception {
    try {
      return task.call();
    } catch (Exception | Error e) {
      if (firstFailure.compareAndSet(null, e)) {
        threads.shutdownNow();
      }
      throw e;
    }
  }

  private static WriteResult drain(
      BlockingQueue<VectorSchemaRoot> queue, BatchSink sink, LoadCounters counters)
      throws InterruptedException {
    while (true) {
      VectorSchemaRoot batch = queue.take();
      if (batch == END_OF_DATA) {
        return sink.finish();
      }
      try (batch) {
        counters.cancellation.check();
        sink.append(batch);
        counters.rowsWritten.addAndGet(batch.getRowCount());
      }
    }
  }

  /**
   * Puts a batch on the queue from the coordinating thread, giving up (and closing the batch) as
   * soon as a reader or writer has failed.
   */
  private static void hand(
      BlockingQueue<VectorSchemaRoot> queue,
      VectorSchemaRoot batch,
      AtomicReference<Throwable> firstFailure) {
    try {
      while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
        Throwable failure = firstFailure.get();
        if (failure != null) {
          if (batch != END_OF_DATA) {
            batch.close();
          }
          throw translate(failure);
        }
      }
    } catch (InterruptedException e) {
      if (batch != END_OF_DATA) {
        batch.close();
      }
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    }
  }

  static void put(BlockingQueue<VectorSchemaRoot> queue, VectorSchemaRoot batch) {
    try {
      queue.put(batch);
    } catch (InterruptedException e) {
      batch.close();
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TidewaterException(ErrorKind.USER, "the load was cancelled", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  static RuntimeException translate(Throwable cause) {
    if (cause instanceof TidewaterException tidewater) {
      return tidewater;
    }
    if (cause instanceof OutOfMemoryError) {
      return TidewaterException.external(cause, "the load ran out of memory");
    }
    // A reader may wrap Arrow's error in its own (a CSV parse error, say).
    Throwable inner = cause;
    for (int depth = 0; inner != null && depth < 32; depth++, inner = inner.getCause()) {
      if (inner instanceof org.apache.arrow.memory.OutOfMemoryException) {
        return new TidewaterException(
            ErrorKind.RESOURCE_LIMIT,
            "the load exceeded its Arrow memory (query-memory-limit): " + inner.getMessage(),
            cause);
      }
    }
    return TidewaterException.internal(cause, "the load failed: %s", cause);
  }

  private static void awaitQuietly(ExecutorService threads) {
    try {
      threads.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQueued(BlockingQueue<VectorSchemaRoot> queue) {
    VectorSchemaRoot batch;
    while ((batch = queue.poll()) != null) {
      if (batch != END_OF_DATA) {
        batch.close();
      }
    }
  }

  /**
   * Adds the DELETE WHEN marker when the load has one: true where the expression is TRUE (the
   * target row with that key is deleted and the row not inserted); FALSE and UNKNOWN rows are
   * upserted. Takes ownership of {@code batch}.
   */
  static VectorSchemaRoot markDeletes(
      LoadPlan plan, VectorSchemaRoot batch, BufferAllocator allocator) {
    CompiledPredicate deleteWhen = plan.commit().deleteWhen();
    if (deleteWhen == null) {
      return batch;
    }
    int rows = batch.getRowCount();
    PredicateResult result = new PredicateResult();
    try {
      deleteWhen.evaluate(batch, result);
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
    BitVector marker = new BitVector(DELETE_MARKER, allocator);
    marker.allocateNew(rows);
    for (int row = 0; row < rows; row++) {
      marker.set(row, result.isTrue(row) ? 1 : 0);
    }
    marker.setValueCount(rows);
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
    vectors.add(marker);
    VectorSchemaRoot marked = new VectorSchemaRoot(vectors);
    marked.setRowCount(rows);
    return marked;
  }

  static void deleteFiles(Table table, WriteResult written) {
    for (String location : written.writtenLocations()) {
      try {
        table.io().deleteFile(location);
      } catch (RuntimeException e) {
        LOG.warn("cannot delete {} of a failed load: {}", location, e.toString());
      }
    }
  }
}
