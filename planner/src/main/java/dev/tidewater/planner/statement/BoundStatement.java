package dev.tidewater.planner.statement;

import static java.util.Objects.requireNonNull;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.spi.Cancellation;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A parsed statement bound to the executor method that runs it: its result schema (computed only
 * when asked) and its execution.
 */
public record BoundStatement(Supplier<Schema> schema, Execution execution) {
  public BoundStatement {
    requireNonNull(schema, "schema is null");
    requireNonNull(execution, "execution is null");
  }

  /** Runs the statement; a long-running one checks {@code cancellation} as it goes. */
  @FunctionalInterface
  public interface Execution {
    ExecutionResult execute(
        BufferAllocator allocator, LoadListener listener, Cancellation cancellation);
  }

  /**
   * A statement that returns no rows, only an update count, and whose whole run is its commit (a
   * metadata or catalog change): a cancel or timeout that came before it starts stops it; once it
   * started it runs to its end, and a later cancel changes nothing.
   */
  static BoundStatement update(Supplier<ExecutionResult> execution) {
    return change(
        cancellation -> {
          cancellation.enterCommit();
          return execution.get();
        });
  }

  /**
   * A statement that returns an update count and checks {@code cancellation} itself: it calls
   * {@link Cancellation#enterCommit()} right before its change, after its slower checks (a source's
   * options, a table's snapshots), so that a cancel or timeout during those stops it with nothing
   * changed.
   */
  static BoundStatement change(Function<Cancellation, ExecutionResult> execution) {
    return new BoundStatement(
        ExecutionResult::emptySchema,
        (allocator, listener, cancellation) -> {
          cancellation.check();
          return execution.apply(cancellation);
        });
  }

  /**
   * A statement that returns rows of a fixed schema; it does not start once cancelled, and its rows
   * are checked batch by batch (see {@code LimitedStatement}).
   */
  static BoundStatement rows(Schema schema, Function<BufferAllocator, ExecutionResult> execution) {
    return new BoundStatement(
        () -> schema,
        (allocator, listener, cancellation) -> {
          cancellation.check();
          return execution.apply(allocator);
        });
  }

  public ExecutionResult execute(
      BufferAllocator allocator, LoadListener listener, Cancellation cancellation) {
    return execution.execute(allocator, listener, cancellation);
  }
}
