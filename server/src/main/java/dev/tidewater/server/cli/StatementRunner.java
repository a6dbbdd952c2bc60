package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;

/** Runs statements for the command line, in this process or on a server. */
interface StatementRunner extends AutoCloseable {
  ExecutionResult run(String sql, LoadListener listener);

  /**
   * Cancels the statement that runs now (from another thread, e.g. on Ctrl-C): it stops at its next
   * batch, and a LOAD commits nothing unless its commit has started. A no-op between statements.
   */
  void cancel();

  @Override
  void close();
}
