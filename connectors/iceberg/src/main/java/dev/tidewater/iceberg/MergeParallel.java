package dev.tidewater.iceberg;

import dev.tidewater.spi.TidewaterException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Runs a MERGE's independent per-file work (key scans, rewrites) on a few threads. */
final class MergeParallel {
  private MergeParallel() {}

  /**
   * Runs {@code work} for each of {@code items} on up to {@code threads} threads: the target's data
   * files are read, and rewritten, independently of each other.
   */
  static <T> void run(String tableName, int threads, List<T> items, Consumer<T> work) {
    int count = Math.min(items.size(), threads);
    if (count <= 1) {
      items.forEach(work);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            count,
            runnable -> {
              Thread thread = new Thread(runnable, "merge-" + tableName);
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int item = next.getAndIncrement();
                      item < items.size() && !failed.get();
                      item = next.getAndIncrement()) {
                    try {
                      work.accept(items.get(item));
                    } catch (RuntimeException | Error e) {
                      failed.set(true);
                      throw e;
                    }
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw TidewaterException.internal(e.getCause(), "MERGE into %s failed", tableName);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TidewaterException.external(e, "MERGE into %s was interrupted", tableName);
    } finally {
      pool.shutdownNow();
    }
  }
}
