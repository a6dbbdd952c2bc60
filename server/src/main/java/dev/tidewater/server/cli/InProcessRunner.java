package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.Session;
import dev.tidewater.planner.load.LoadListener;
import dev.tidewater.server.Tidewater;
import org.apache.arrow.memory.BufferAllocator;

/** Runs statements on an engine in this process, against its data directory. */
final class InProcessRunner implements StatementRunner {
  private final Tidewater tidewater;
  private final Session session;
  private final BufferAllocator allocator;

  InProcessRunner(Tidewater tidewater) {
    this.tidewater = tidewater;
    this.session = tidewater.engine().openSession(System.getProperty("user.name", "local"));
    this.allocator =
        tidewater.allocator().newChildAllocator("cli", 0, tidewater.allocator().getLimit());
  }

  @Override
  public ExecutionResult run(String sql, LoadListener listener) {
    return session.execute(sql, allocator, listener);
  }

  @Override
  public void close() {
    session.close();
    allocator.close();
    tidewater.close();
  }
}
