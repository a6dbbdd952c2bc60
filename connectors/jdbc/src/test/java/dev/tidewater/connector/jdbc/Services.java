package dev.tidewater.connector.jdbc;

import java.util.concurrent.Callable;
import org.opentest4j.TestAbortedException;

/** Starts a real server for a test: skipped where it cannot start, but a failure on CI. */
final class Services {
  private Services() {}

  static <S> S start(String name, Callable<S> start) {
    try {
      return start.call();
    } catch (Exception | LinkageError e) {
      if ("true".equalsIgnoreCase(System.getenv("TIDEWATER_CI"))) {
        throw new AssertionError(name + " did not start on CI", e);
      }
      throw new TestAbortedException(name + " did not start: " + e, e);
    }
  }
}
