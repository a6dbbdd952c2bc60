package dev.tidewater.spi;

/** Who is at fault for an error; the Flight endpoint maps each kind to one status code. */
public enum ErrorKind {
  /** Bad SQL, unknown names, malformed input: the user can fix it. */
  USER,
  /** A source, catalog or object store failed or is unreachable. */
  EXTERNAL,
  /** A bug in Tidewater. */
  INTERNAL,
  /**
   * A statement needed more memory than its {@code query-memory-limit} (or the server's {@code
   * memory-limit}): not a bug, and the same statement may succeed with more memory.
   */
  RESOURCE_LIMIT
}
