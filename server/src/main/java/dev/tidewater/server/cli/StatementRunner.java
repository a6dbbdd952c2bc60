package dev.tidewater.server.cli;

import dev.tidewater.planner.ExecutionResult;
import dev.tidewater.planner.load.LoadListener;

/** Runs statements for the command line, in this process or on a server. */
interface StatementRunner extends AutoCloseable {
  ExecutionResult run(String sql, LoadListener listener);

  @Override
  void close();
}
