package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.server.Tidewater;
import dev.tidewater.spi.BatchReader;
import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.StatementCancelledException;
import dev.tidewater.spi.TidewaterException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Runs statements on an engine in this process, against its data directory. Each statement gets its
 * own child allocator, closed with the statement's result: Arrow memory a statement does not give
 * back fails that statement, by name, instead of surfacing when the process ends.
 */
final class InProcessRunner implements StatementRunner {
  private final Tidewater tidewater;
  private final Session session;
  private long statements;

  /** The running statement's cancel flag (the last one's between statements). */
  private volatile Cancellation running = new Cancellation();

  InProcessRunner(Tidewater tidewater) {
    this.tidewater = tidewater;
    this.session = tidewater.engine().openSession(System.getProperty("user.name", "local"));
  }

  @Override
  public ExecutionResult run(String sql, LoadListener listener) {
    BufferAllocator parent = tidewater.allocator();
    BufferAllocator allocator =
        parent.newChildAllocator("statement-" + ++statements, 0, parent.getLimit());
    ExecutionResult result;
    Cancellation cancellation = new Cancellation();
    running = cancellation;
    try {
      result = session.execute(sql, allocator, listener, cancellation);
    } catch (RuntimeException e) {
      try {
        close(allocator);
      } catch (RuntimeException leak) {
        e.addSuppressed(leak);
      }
      throw e;
    }
    if (!result.hasRows()) {
      close(allocator);
      return result;
    }
    return ExecutionResult.rows(new AllocatorClosingReader(result.rows(), allocator));
  }

  /** Closes a statement's allocator; a leak is an internal error that names the statement. */
  private static void close(BufferAllocator allocator) {
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      throw TidewaterException.internal(
          e,
          "%s did not release all its Arrow memory (a bug in Tidewater): %s",
          allocator.getName(),
          e.getMessage().lines().findFirst().orElse(""));
    }
  }

  @Override
  public void cancel() {
    running.cancel(StatementCancelledException.Reason.CANCELLED, CANCELLED_MESSAGE);
  }

  /** What a statement stopped by {@link #cancel()} fails with. */
  static final String CANCELLED_MESSAGE =
      "the statement was cancelled (interrupted: Ctrl-C or a termination signal); nothing was"
          + " committed";

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      tidewater.close();
    }
  }

  /** The statement's rows; closing it closes the statement's allocator after the rows. */
  private static final class AllocatorClosingReader implements BatchReader {
    private final BatchReader rows;
    private final BufferAllocator allocator;

    AllocatorClosingReader(BatchReader rows, BufferAllocator allocator) {
      this.rows = rows;
      this.allocator = allocator;
    }

    @Override
    public Schema schema() {
      return rows.schema();
    }

    @Override
    public boolean next() {
      return rows.next();
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
      RuntimeException failure = null;
      try {
        rows.close();
      } catch (RuntimeException e) {
        failure = e;
      }
      try {
        InProcessRunner.close(allocator);
      } catch (RuntimeException leak) {
        if (failure == null) {
          failure = leak;
        } else {
          failure.addSuppressed(leak);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
