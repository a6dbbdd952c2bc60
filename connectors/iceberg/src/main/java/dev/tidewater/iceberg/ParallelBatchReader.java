package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads the files of a scan on a few threads at once and hands their batches out in file order, so
 * that a scan answers the same rows in the same order as a sequential one. Each file has a queue of
 * two batches; a thread takes the next unread file when it finishes one, so at most {@code
 * parallelism} files are open and {@code 2 * parallelism} batches wait. The batch handed out is
 * moved (not copied) into the one root this reader owns.
 *
 * <p>A reader that need not keep the file order (an aggregate's) shares one queue of {@code 2 *
 * parallelism} batches among the files and hands out whichever batch is read first, so that no
 * thread waits for the consumer to finish an earlier file.
 */
final class ParallelBatchReader implements DictionaryBatchReader {
  /** Opens the batches of the i-th file. */
  @FunctionalInterface
  interface FileOpener {
    FileBatches open(int file) throws Exception;
  }

  private static final Object END = new Object();
  private static final ExecutorService THREADS =
      Executors.newCachedThreadPool(
          new ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable task) {
              Thread thread = new Thread(task, "tidewater-scan-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            }
          });

  private record Failure(int file, Throwable error) {}

  /** A batch with the dictionaries of its encoded columns. */
  private record Encoded(VectorSchemaRoot batch, ColumnDictionary[] dictionaries) {}

  private final String tableName;
  private final List<String> fileNames;
  private final FileOpener opener;
  private final List<BlockingQueue<Object>> queues = new ArrayList<>();
  private final boolean ordered;
  private int filesEnded;
  private final AtomicInteger nextFile = new AtomicInteger();
  private final List<Future<?>> workers = new ArrayList<>();
  private final VectorSchemaRoot root;
  private final ScanCounters counters;
  private final boolean encodes;
  private ColumnDictionary[] dictionaries;
  private volatile boolean closed;
  private int current;
  private long rowsBefore;

  ParallelBatchReader(
      String tableName,
      List<String> fileNames,
      Schema schema,
      FileOpener opener,
      BufferAllocator allocator,
      int parallelism,
      ScanCounters counters) {
    this(tableName, fileNames, schema, opener, allocator, parallelism, counters, true, false);
  }

  /**
   * {@code ordered}: batches in file order; else in the order they are read. {@code encodes}: some
   * columns hold dictionary ids, whose entries each batch carries from its file to {@link
   * #dictionary}.
   */
  ParallelBatchReader(
      String tableName,
      List<String> fileNames,
      Schema schema,
      FileOpener opener,
      BufferAllocator allocator,
      int parallelism,
      ScanCounters counters,
      boolean ordered,
      boolean encodes) {
    this.tableName = tableName;
    this.encodes = encodes;
    this.fileNames = List.copyOf(fileNames);
    this.opener = opener;
    this.counters = counters;
    this.ordered = ordered;
    int threads = Math.max(1, Math.min(parallelism, fileNames.size()));
    if (ordered) {
      for (int i = 0; i < fileNames.size(); i++) {
        queues.add(new ArrayBlockingQueue<>(2));
      }
    } else {
      queues.add(new ArrayBlockingQueue<>(2 * threads));
    }
    this.root = VectorSchemaRoot.create(schema, allocator);
    for (int i = 0; i < threads && !fileNames.isEmpty(); i++) {
      workers.add(THREADS.submit(this::work));
    }
  }

  private void work() {
    int file;
    while (!closed && (file = nextFile.getAndIncrement()) < fileNames.size()) {
      BlockingQueue<Object> queue = queues.get(ordered ? file : 0);
      try (FileBatches batches = opener.open(file)) {
        counters.file();
        VectorSchemaRoot batch;
        while (!closed && (batch = batches.next()) != null) {
          Object item = encodes ? new Encoded(batch, dictionaries(batches, batch)) : batch;
          if (batch.getRowCount() == 0 || !put(queue, item)) {
            batch.close();
          }
        }
        put(queue, END);
      } catch (Throwable e) {
        put(queue, new Failure(file, e));
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return;
      }
    }
  }

  private static ColumnDictionary[] dictionaries(FileBatches batches, VectorSchemaRoot batch) {
    ColumnDictionary[] dictionaries = new ColumnDictionary[batch.getFieldVectors().size()];
    for (int i = 0; i < dictionaries.length; i++) {
      dictionaries[i] = batches.dictionary(i);
    }
    return dictionaries;
  }

  /** Waits for room in the queue; false when the reader was closed meanwhile. */
  private boolean put(BlockingQueue<Object> queue, Object item) {
    try {
      while (!closed) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public boolean next() {
    rowsBefore += root.getRowCount();
    root.setRowCount(0);
    while (ordered ? current < queues.size() : filesEnded < fileNames.size()) {
      Object item;
      try {
        item = queues.get(ordered ? current : 0).take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TidewaterException.external(e, "the scan of table %s was interrupted", tableName);
      }
      if (item == END) {
        current++;
        filesEnded++;
      } else if (item instanceof Failure failure) {
        throw failure(failure);
      } else {
        if (item instanceof Encoded encoded) {
          dictionaries = encoded.dictionaries();
          item = encoded.batch();
        }
        try (VectorSchemaRoot batch = (VectorSchemaRoot) item) {
          for (int i = 0; i < root.getFieldVectors().size(); i++) {
            batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
          }
          root.setRowCount(batch.getRowCount());
        }
        return true;
      }
    }
    return false;
  }

  private RuntimeException failure(Failure failure) {
    Throwable error = failure.error();
    if (error instanceof TidewaterException tidewater) {
      return tidewater;
    }
    return TidewaterException.external(
        error,
        "cannot read table %s, file %s: %s",
        tableName,
        fileNames.get(failure.file()),
        error);
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public ColumnDictionary dictionary(int column) {
    return dictionaries == null ? null : dictionaries[column];
  }

  @Override
  public String position(int rowIndex) {
    return tableName + " row " + (rowsBefore + rowIndex + 1);
  }

  @Override
  public long bytesRead() {
    return counters.totals().bytesRead();
  }

  /** Stops the threads, waits for them (none may allocate after this) and frees what waits. */
  @Override
  public void close() {
    closed = true;
    for (Future<?> worker : workers) {
      try {
        worker.get();
      } catch (ExecutionException e) {
        // the failure is in the file's queue, for a reader that is no longer interested
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker.cancel(true);
      }
    }
    for (BlockingQueue<Object> queue : queues) {
      for (Object item : queue) {
        if (item instanceof VectorSchemaRoot batch) {
          batch.close();
        } else if (item instanceof Encoded encoded) {
          encoded.batch().close();
        }
      }
      queue.clear();
    }
    root.close();
  }
}
