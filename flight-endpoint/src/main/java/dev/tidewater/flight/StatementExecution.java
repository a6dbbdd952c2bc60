package dev.tidewater.flight;

import static java.util.Objects.requireNonNull;

import dev.tidewater.spi.Cancellation;
import dev.tidewater.spi.StatementCancelledException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a statement, with an explicit life: {@code PENDING} (a ticket was handed out) ->
 * {@code RUNNING} -> {@code FINISHED}, {@code FAILED} or {@code CANCELLED}. The thread that runs it
 * owns its resources (a child allocator and the result) and releases them in {@link
 * #closeResources()}; a cancel from another thread only flags the run and interrupts waits, so that
 * no buffer is freed under the streaming thread.
 */
final class StatementExecution implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatementExecution.class);

  enum State {
    PENDING,
    RUNNING,
    FINISHED,
    FAILED,
    CANCELLED
  }

  private final String id;
  private final ClientSession session;
  private final String sql;
  private final Schema schema;
  private final BufferAllocator parentAllocator;
  private final Cancellation cancellation = new Cancellation();

  private State state = State.PENDING;
  private BufferAllocator allocator;
  private StatementResult result;
  private boolean resourcesClosed;
  private Runnable onCancel = () -> {};

  StatementExecution(
      String id, ClientSession session, String sql, Schema schema, BufferAllocator parent) {
    this.id = requireNonNull(id, "id is null");
    this.session = requireNonNull(session, "session is null");
    this.sql = requireNonNull(sql, "sql is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.parentAllocator = requireNonNull(parent, "parent is null");
  }

  String id() {
    return id;
  }

  ClientSession session() {
    return session;
  }

  /** The schema {@code describe} announced. */
  Schema schema() {
    return schema;
  }

  synchronized State state() {
    return state;
  }

  synchronized boolean isCancelled() {
    return state == State.CANCELLED;
  }

  /** The allocator of this run's buffers; valid while it runs. */
  synchronized BufferAllocator allocator() {
    return allocator;
  }

  /** Runs the statement in the gateway; the caller must end with {@link #closeResources()}. */
  StatementResult run() {
    return run((gateway, runAllocator, stop) -> gateway.execute(sql, runAllocator, stop));
  }

  /** What a run does in the gateway: a statement, or a bulk ingest. */
  @FunctionalInterface
  interface Work {
    StatementResult run(GatewaySession gateway, BufferAllocator allocator, Cancellation stop);
  }

  /**
   * Runs {@code work} as this statement: a cancel of the statement (the client's, its session's
   * end, the server's shutdown) cancels the work's {@link Cancellation}. The caller must end with
   * {@link #closeResources()}.
   */
  StatementResult run(Work work) {
    BufferAllocator runAllocator;
    synchronized (this) {
      if (state == State.CANCELLED) {
        throw cancelledError();
      }
      if (state != State.PENDING) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription("statement " + id + " is " + state.name().toLowerCase())
            .toRuntimeException();
      }
      state = State.RUNNING;
      allocator = parentAllocator.newChildAllocator("statement-" + id, 0, Long.MAX_VALUE);
      runAllocator = allocator;
    }
    session.started(this);
    StatementResult outcome = work.run(session.gateway(), runAllocator, cancellation);
    synchronized (this) {
      result = outcome;
      if (state == State.CANCELLED) {
        throw cancelledError();
      }
    }
    return outcome;
  }

  /** Registers what to interrupt when another thread cancels the run. */
  synchronized void onCancel(Runnable action) {
    onCancel = requireNonNull(action, "action is null");
  }

  synchronized void finished() {
    if (state == State.RUNNING) {
      state = State.FINISHED;
    }
  }

  synchronized void failed() {
    if (state == State.RUNNING) {
      state = State.FAILED;
    }
  }

  /**
   * Cancels the statement. A pending one releases everything now; a running one is flagged, its
   * waits are interrupted and its gateway work is cancelled (a LOAD stops at its next batch unless
   * its commit has started); its own thread then releases the resources.
   */
  void cancel() {
    Runnable interrupt;
    synchronized (this) {
      switch (state) {
        case PENDING -> {
          state = State.CANCELLED;
          closeResources();
          return;
        }
        case RUNNING -> {
          state = State.CANCELLED;
          interrupt = onCancel;
        }
        default -> {
          return;
        }
      }
    }
    LOG.debug("Cancelling running statement {}", id);
    interrupt.run();
    cancellation.cancel(
        StatementCancelledException.Reason.CANCELLED,
        "the statement was cancelled by the client (a cancel request or a closed connection)");
  }

  /** Cache eviction and session end both cancel. */
  @Override
  public void close() {
    cancel();
  }

  /** Closes the result and the allocator once; called by the owner of the run. */
  synchronized void closeResources() {
    if (resourcesClosed) {
      return;
    }
    resourcesClosed = true;
    session.ended(this);
    try {
      if (result != null) {
        result.close();
      }
    } catch (RuntimeException e) {
      LOG.warn("Closing the result of statement {} failed", id, e);
    } finally {
      result = null;
      closeAllocator();
    }
  }

  static RuntimeException cancelledError() {
    return CallStatus.CANCELLED.withDescription("statement cancelled").toRuntimeException();
  }

  private void closeAllocator() {
    if (allocator == null) {
      return;
    }
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      // A leak in a reader must not take the server down; the parent allocator still reports it.
      LOG.error("Statement {} leaked Arrow memory", id, e);
    }
  }
}
