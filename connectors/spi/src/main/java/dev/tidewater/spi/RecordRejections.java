package dev.tidewater.spi;

/**
 * Receives the records a reader could not read (a malformed line, a value of the wrong type) when
 * the load keeps going past them; without one, such a record fails the read.
 */
public interface RecordRejections {
  /**
   * The record at {@code position} (e.g. {@code orders.csv:42}) was skipped for {@code reason};
   * {@code record} is its text as the source holds it (a CSV line, a JSON document), or null when
   * the reader cannot tell.
   */
  void reject(String position, String reason, String record);
}
