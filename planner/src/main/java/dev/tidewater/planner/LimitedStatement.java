package dev.tidewater.planner;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.ErrorKind;
import dev.tidewater.spi.StatementCancelledException;
import dev.tidewater.spi.TidewaterException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One statement under its {@link StatementLimits}: its own child allocator limited to {@code
 * query-memory-limit}, and a timer that cancels its {@link Cancellation} with reason TIMED_OUT once
 * {@code statement_timeout} has passed. Its result rows check the cancellation before each batch;
 * closing them (or {@link #close()} for a statement without rows) ends the timer and closes the
 * allocator. An exceeded memory limit becomes a clear RESOURCE_LIMIT error instead of an internal
 * one.
 */
final class LimitedStatement implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LimitedStatement.class);

  private final StatementLimits limits;
  private final Cancellation cancellation;
  private final BufferAllocator allocator;
  private final CompletableFuture<Void> timer;

  LimitedStatement(StatementLimits limits, BufferAllocator parent, Cancellation cancellation) {
    this.limits = requireNonNull(limits, "limits is null");
    this.cancellation = requireNonNull(cancellation, "cancellation is null");
    this.allocator =
        parent.newChildAllocator(
            "statement", 0, Math.min(parent.getLimit(), limits.queryMemoryBytes()));
    this.timer =
        limits.hasTimeout()
            ? CompletableFuture.runAsync(
                () ->
                    cancellation.cancel(
                        StatementCancelledException.Reason.TIMED_OUT,
                        "statement timed out after "
                            + StatementLimits.format(limits.timeout())
                            + " (statement_timeout; the server's statement-timeout, or SET"
                            + " statement_timeout = '0' for none); nothing was committed"),
                CompletableFuture.delayedExecutor(
                    limits.timeout().toMillis(), TimeUnit.MILLISECONDS))
            : null;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  /** The statement's rows, checked and translated batch by batch; closing them closes this. */
  BatchReader rows(BatchReader rows) {
    return new LimitedRows(rows);
  }

  /** What a failure means to the client: an exceeded memory limit, a stop, or itself. */
  RuntimeException translate(RuntimeException failure) {
    StatementCancelledException stopped = cancellation.error();
    if (stopped != null && !(failure instanceof StatementCancelledException)) {
      stopped.addSuppressed(failure);
      return stopped;
    }
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
      if (cause instanceof OutOfMemoryException memory) {
        return memoryError(memory);
      }
    }
    return failure;
  }

  private TidewaterException memoryError(OutOfMemoryException cause) {
    String message =
        limits.queryMemoryBytes() == Long.MAX_VALUE
            ? "statement ran out of Arrow memory: the server's memory-limit is in use; nothing was"
                + " committed"
            : "statement exceeded query-memory-limit of "
                + formatBytes(limits.queryMemoryBytes())
                + " (raise query-memory-limit in the server's configuration); nothing was"
                + " committed";
    return new TidewaterException(ErrorKind.RESOURCE_LIMIT, message, cause);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.cancel(false);
    }
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      // A leak must not fail the client's statement; the parent allocator still reports it.
      LOG.error("A statement leaked Arrow memory", e);
    }
  }

  /** {@code 64MB}, {@code 1.5GB}, {@code 512KB} or bytes. */
  static String formatBytes(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    String number =
        value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value);
    return number + units[unit];
  }

  private final class LimitedRows implements BatchReader {
    private final BatchReader rows;

    LimitedRows(BatchReader rows) {
      this.rows = rows;
    }

    @Override
    public Schema schema() {
      return rows.schema();
    }

    @Override
    public boolean next() {
      try {
        cancellation.check();
        return rows.next();
      } catch (RuntimeException e) {
        throw translate(e);
      }
    }

    @Override
    public VectorSchemaRoot root() {
      return rows.root();
    }

    @Override
    public String position(int rowIndex) {
      return rows.position(rowIndex);
    }

    @Override
    public long bytesRead() {
      return rows.bytesRead();
    }

    @Override
    public void close() {
      try {
        rows.close();
      } finally {
        LimitedStatement.this.close();
      }
    }
  }
}
